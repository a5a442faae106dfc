/* FA-GPT web UI: single-page application (plain JS, no third-party code). */
