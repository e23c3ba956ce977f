"""The RFQ conversation's logic: reading facts from free text, the draft's state, its rules."""
