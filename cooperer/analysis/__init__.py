"""Pure-Python analysis: no Django import."""
