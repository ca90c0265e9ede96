"""Pure TwiML builders and the prompts they speak: state in, TwiML out."""
