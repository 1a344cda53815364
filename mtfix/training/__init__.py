"""Training: pair building, MT-damage generation, the LoRA trainer, user post-edits, gate and quality tuning.
May import every runtime stage and evaluation; only the CLI imports it. torch and peft only lazily."""
