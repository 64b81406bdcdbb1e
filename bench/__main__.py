"""Run the benchmarks: `python -m bench` (or `make bench`) runs them all; `--quick` for smaller sizes (a minute
or two); `--only dues_pages,life_pages` (or `make bench BENCH_ARGS="--only dues_pages"`) runs those alone;
`--help` lists them. Exits non-zero when a page's SQL statement count grows with the number of rows."""
import os
import sys

BENCHES = ["people_list", "ceremony_pages", "meeting_pages", "liaison_pages", "reminders_dispatch", "life_pages",
           "dues_pages", "reminder_pages", "request_pages",
           "points_pages", "uses_pages", "activities_pages", "mediation_pages", "exports_pages"]


def _chosen(argv: list[str]) -> list[str]:
    """The benches named after --only (comma-separated), else all of them, in the order above."""
    if "--only" not in argv:
        return BENCHES
    index = argv.index("--only")
    names = argv[index + 1].split(",") if index + 1 < len(argv) else []
    unknown = [name for name in names if name not in BENCHES]
    if unknown or not names:
        sys.exit(f"unknown bench {', '.join(unknown) or '(none given)'}; choose from {', '.join(BENCHES)}")
    return [name for name in BENCHES if name in names]


if __name__ == "__main__":
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        print("benches: " + ", ".join(BENCHES))
        sys.exit(0)
    if "--quick" in sys.argv:
        os.environ.setdefault("BENCH_SIZES", "1000,10000")  # read when the modules are imported
    import importlib

    ok = True
    for name in _chosen(sys.argv):
        result = importlib.import_module(f"bench.{name}").main()
        ok = ok and result is not False  # each main() answers False when a count grows (or a pass is slow)
    sys.exit(0 if ok else 1)
