"""The podcast side: the show's settings (``config``), the episode catalogue,
publishing, the feed, the web page and its server, and the transcript and
chapters files."""
