"""Interview practice: answer first, then compare and self-assess."""
