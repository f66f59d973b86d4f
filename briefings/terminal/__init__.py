"""The terminal face: the console and the rendering of answers as text."""
