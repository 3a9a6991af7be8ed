"""The structure of a normalized text, parsed once: its heading tree (`segment`) and its layout
(`build_layout`: lines, sentences, list items, tables, asides) that every later stage reads."""
