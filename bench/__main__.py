"""Run every benchmark: `python -m bench` (or `make bench`); `--quick` for smaller sizes (a minute or two).
Exits non-zero when a page's SQL statement count grows with the number of rows."""
import os
import sys

if "--quick" in sys.argv:
    os.environ.setdefault("BENCH_SIZES", "1000,10000")

from bench import (  # noqa: E402  (the sizes are read when they are imported)
    ceremony_pages,
    dues_pages,
    liaison_pages,
    life_pages,
    mediation_pages,
    meeting_pages,
    people_list,
    reminder_pages,
    reminders_dispatch,
    request_pages,
)

if __name__ == "__main__":
    people_list.main()
    steady = ceremony_pages.main()
    steady = meeting_pages.main() and steady
    steady = liaison_pages.main() and steady
    fast = reminders_dispatch.main()
    steady = life_pages.main() and steady
    dues_steady = dues_pages.main()
    inbox_steady = reminder_pages.main()
    inbox_steady = request_pages.main() and inbox_steady
    steady = mediation_pages.main() and steady
    sys.exit(0 if steady and fast and dues_steady and inbox_steady else 1)
