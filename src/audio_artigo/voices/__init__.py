"""Piper voices: the installed ones (``local``), downloading them
(``download``), and choosing who reads what in a build (``cast``)."""
