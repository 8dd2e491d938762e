"""Keeping the firm's records right: retention policies, legal holds, the reviews that list what
falls due, defensible deletion (crypto-shredding with a certificate in the audit chain), and the
full export of a matter."""
