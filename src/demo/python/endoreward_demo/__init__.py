"""The bundled demo model: a small causal LM trained on arithmetic answers, built end to end here."""
