"""Run every benchmark: `python -m bench` (or `make bench`)."""
from bench import people_list

if __name__ == "__main__":
    people_list.main()
