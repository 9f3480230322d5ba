"""Third-party grade evaluation of social organizations (第三方等级评估)."""
