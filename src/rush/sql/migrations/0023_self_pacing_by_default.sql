-- New sales pace themselves: a fixed rate set before the morning is a guess, while self-pacing
-- follows the hold latency the families admitted actually get. Staff may still switch it off
-- on the sale's dashboard. Sales that exist keep the switch as it was set.
ALTER TABLE sale ALTER COLUMN self_pacing SET DEFAULT true;
