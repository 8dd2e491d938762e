"""The firm's figures (adoption, first-request completeness, time to payment, support volume, time to
file, reminders per matter), computed in SQL over the real tables, pilot cohort beside the rest."""
