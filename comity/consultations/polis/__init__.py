"""Pol.is import and export of consultations: reading an upload (:mod:`.upload`), turning it into a consultation
(:mod:`.importing`, through the service ``create_imported_consultation``) and a consultation back into Pol.is files
(:mod:`.exporting`), and their pages (:mod:`.views`, :mod:`.forms`)."""
