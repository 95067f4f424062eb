"""From an Article to what is read aloud, and by whom.

``segmenter`` builds the Script (chapters of paragraphs of narration and
quotation segments), after ``clutter`` has removed related links and credits
and ``quotes`` has found the quotations; ``sentences`` splits the text into
sentences and ``plan`` turns the Script into lines of clips with their
pauses. Their word lists are ``reading/data/*.tsv``.
"""
