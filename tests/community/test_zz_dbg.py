from tests.community.test_people import *
from tests.community import test_people as tp

def test_dbg(client, places):
    admin = make_admin("street_admin", ("street", places["street"].id))
    grids = [make_grid(places["east"], "东一网格"), make_grid(places["west"], "西一网格")]
    def add(n, start):
        for i in range(start, start + n):
            grid = grids[i % 2]
            make_person(db.session.get(type(places["east"]), grid.community_id), name=f"居民{i:03d}", grid_id=grid.id)
    add(5, 0)
    login(client, admin)
    client.get("/admin/people/")
    for n in (0, 35):
        add(n, 5)
        st=[]
        l=lambda c,cu,s,p,ctx,e: st.append(s[:150])
        event.listen(db.engine,"before_cursor_execute",l)
        client.get("/admin/people/")
        event.remove(db.engine,"before_cursor_execute",l)
        print(len(st)); print("\n".join(st))
