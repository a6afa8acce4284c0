"""Pages of the volunteers app: my volunteering (``mine``), the organisers' hours (``hours``), the committee's time
bank (``bank``) and the roll of honour (``roll``)."""
