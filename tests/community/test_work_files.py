"""Uploaded and exported workbooks hold personal data: they do not outlive a day."""
import os
import time

from community.people import excel


def test_old_workbooks_are_removed(app):
    folder = excel.work_folder("exports")
    old, fresh = folder / "old.xlsx", folder / "fresh.xlsx"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    excel.work_folder("exports")
    assert not old.exists()
    assert fresh.exists()
    fresh.unlink()
