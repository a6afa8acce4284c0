"""Reads of the volunteers app: a volunteer's own summary (``mine``) and the staff's and public lists (``staff``)."""
