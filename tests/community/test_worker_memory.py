"""A web worker's memory (issue #13: each under 150 MB resident): the app does not load what only some
requests need. pypinyin's dictionaries alone take some 55 MB; they load with the first name written."""
import json
import subprocess
import sys

from app import ROOT

CHECK = """
import json, sys
from app import create_app
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
with_app = "pypinyin" in sys.modules
from community.people.pinyin import name_key
key = name_key("曾小雨")
print(json.dumps([with_app, key, "pypinyin" in sys.modules]))
"""


def test_the_app_loads_pypinyin_only_when_a_name_is_written():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with_app, key, after = json.loads(done.stdout.splitlines()[-1])
    assert with_app is False  # create_app did not import it
    assert key == "zeng xiao yu" and after is True
