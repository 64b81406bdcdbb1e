"""Run every benchmark: `python -m bench` (or `make bench`); `--quick` for smaller sizes (a minute or two).
Exits non-zero when a page's SQL statement count grows with the number of rows."""
import os
import sys

if "--quick" in sys.argv:
    os.environ.setdefault("BENCH_SIZES", "1000,10000")

from bench import ceremony_pages, life_pages, meeting_pages, people_list, reminders_dispatch  # noqa: E402  (sizes read on import)

if __name__ == "__main__":
    people_list.main()
    steady = ceremony_pages.main()
    steady = meeting_pages.main() and steady
    fast = reminders_dispatch.main()
    steady = life_pages.main() and steady
    sys.exit(0 if steady and fast else 1)
