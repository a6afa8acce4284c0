"""Writes of the activities app: activities (``activities``) and registrations with check-in (``registrations``);
import each from its module."""
