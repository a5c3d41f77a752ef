-- One round trip for the hold at admission, the busiest write of a rush.
--
-- Locks the family's open cart (two tabs hold one after the other), marks it live and returns
-- its lines, but only while the sale is open: one row per line, or one row with NULL line
-- columns when the cart is empty, missing (cart_id NULL) or the sale is not open. Each
-- statement of a VOLATILE function takes a fresh snapshot, so the lines are read after the
-- lock is granted: an edit committed by another tab while this call waited is seen.
-- The caller's transaction keeps the lock until its holds are taken in Redis; rolling it
-- back (a program short of places) also undoes the mark.
CREATE FUNCTION cart_take_for_hold(p_family_id bigint, p_sale_id bigint)
RETURNS TABLE (
    sale_status text,
    cart_id     uuid,
    id          bigint,
    program_id  bigint,
    person_id   bigint,
    group_id    bigint,
    price_cents integer,
    options     jsonb
)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_status text;
    v_cart   uuid;
BEGIN
    SELECT s.status INTO v_status FROM sale s WHERE s.id = p_sale_id;
    IF v_status IS DISTINCT FROM 'open' THEN
        RETURN QUERY SELECT v_status, NULL::uuid, NULL::bigint, NULL::bigint, NULL::bigint,
                            NULL::bigint, NULL::integer, NULL::jsonb;
        RETURN;
    END IF;
    UPDATE cart c SET live_since = coalesce(c.live_since, now())
     WHERE c.family_id = p_family_id AND c.sale_id = p_sale_id AND c.status = 'open'
    RETURNING c.id INTO v_cart;
    RETURN QUERY
        SELECT v_status, v_cart, ci.id, ci.program_id, ci.person_id, ci.group_id,
               ci.price_cents, ci.options
          FROM cart_item ci
         WHERE v_cart IS NOT NULL AND ci.cart_id = v_cart
         ORDER BY ci.id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT v_status, v_cart, NULL::bigint, NULL::bigint, NULL::bigint,
                            NULL::bigint, NULL::integer, NULL::jsonb;
    END IF;
END
$$;
