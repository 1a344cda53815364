"""Rule stages around the model: the gate, untranslated-word flags, cognates, spelling.
May import config, text and the model layer's values (mtfix.model.base); never the rewriter or torch."""
