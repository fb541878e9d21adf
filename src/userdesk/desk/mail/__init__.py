"""Mail sent to users through the provider: password-change links and verification."""
