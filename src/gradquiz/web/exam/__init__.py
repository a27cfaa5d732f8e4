"""The exam: its pages, palette, results and what an open attempt withholds."""
