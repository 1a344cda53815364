"""Rule stages around the model: the gate, untranslated-word flags, cognates, spelling, and the source guard.
May import config, text, checks, result and the model layer's values (mtfix.model.base); never the rewriter or torch."""
