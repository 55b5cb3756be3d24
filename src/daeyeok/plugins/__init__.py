"""markdown-it plugins: each is one plain ``xxx_plugin(md, *, option=...)`` function."""
