"""Where articles come from: files (plain text, Markdown, HTML pages).

``reader.read_article`` turns an article file into an ``Article``.
"""
