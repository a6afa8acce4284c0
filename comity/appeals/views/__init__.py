"""Appeal pages: intake and my appeals (:mod:`.intake`), the case page (:mod:`.case`), the staff workbench
(:mod:`.queue`), a public appeal's page (:mod:`.public`) and a street's queue (:mod:`.street`)."""
