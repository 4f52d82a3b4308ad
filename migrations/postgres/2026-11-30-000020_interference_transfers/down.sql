DROP TABLE incoming_transfers;
DROP TABLE transfers;
DROP FUNCTION transfers_kept();
DROP TABLE interference_referral_outcomes;
DROP TABLE interference_referrals;
DROP TABLE interference_reads;
DROP TABLE interference_reports;
DROP FUNCTION interference_append_only();
