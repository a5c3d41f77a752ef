-- The payment terms and the refund policy families accept at checkout, written by staff in
-- French and English. Each change is a new version, never an edit, so an order keeps the
-- exact text its family accepted (`orders.terms_version_id`).
CREATE TABLE policy_version (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('terms', 'refunds')),
    body_fr     text NOT NULL CHECK (length(btrim(body_fr)) > 0),
    body_en     text NOT NULL CHECK (length(btrim(body_en)) > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES account
);
CREATE INDEX policy_version_current ON policy_version (kind, id DESC);

ALTER TABLE orders ADD COLUMN terms_version_id bigint REFERENCES policy_version;

-- A first version of each, so no install ever checks out against no terms at all.
INSERT INTO policy_version (kind, body_fr, body_en) VALUES
('terms',
 'Une place est réservée seulement une fois le panier payé. Le paiement se fait en un versement, ou en deux quand l''inscription le permet : le premier aujourd''hui, le second à la date indiquée. Le reçu et le Relevé 24 sont offerts dans Mon dossier.',
 'A place is reserved only once the cart is paid. Payment is made at once, or in two instalments when the registration allows it: the first today, the second on the date shown. The receipt and the Relevé 24 are in My records.'),
('refunds',
 'Une inscription annulée par le Service des loisirs est remboursée en entier. Une annulation demandée par la famille avant le début de l''activité est remboursée, moins des frais d''administration fixés par la Ville; aucun remboursement après le début, sauf raison médicale.',
 'A registration cancelled by the recreation department is refunded in full. A cancellation the family asks for before the activity starts is refunded, less an administration fee set by the town; no refund once it has started, except for medical reasons.');
