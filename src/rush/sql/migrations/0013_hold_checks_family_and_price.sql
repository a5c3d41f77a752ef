-- The hold at admission checks what a draft could not know when it was made.
--
-- A family refused by staff after it prepared its cart holds nothing: the function returns
-- the family's status and holds no line unless it is 'approved'. A price changed by staff
-- after the draft was made is the price charged: each line takes its group's price at hold
-- time, and keeps the price it was prepared at in `previous_price_cents` so the cart can show
-- the change before checkout.
ALTER TABLE cart_item ADD COLUMN previous_price_cents integer;

DROP FUNCTION cart_take_for_hold(bigint, bigint);

CREATE FUNCTION cart_take_for_hold(p_family_id bigint, p_sale_id bigint)
RETURNS TABLE (
    sale_status          text,
    family_status        text,
    cart_id              uuid,
    id                   bigint,
    program_id           bigint,
    person_id            bigint,
    group_id             bigint,
    price_cents          integer,
    previous_price_cents integer,
    options              jsonb
)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_status text;
    v_family text;
    v_cart   uuid;
BEGIN
    SELECT s.status INTO v_status FROM sale s WHERE s.id = p_sale_id;
    SELECT f.status INTO v_family FROM family f WHERE f.id = p_family_id;
    IF v_status IS DISTINCT FROM 'open' OR v_family IS DISTINCT FROM 'approved' THEN
        RETURN QUERY SELECT v_status, v_family, NULL::uuid, NULL::bigint, NULL::bigint,
                            NULL::bigint, NULL::bigint, NULL::integer, NULL::integer, NULL::jsonb;
        RETURN;
    END IF;
    UPDATE cart c SET live_since = coalesce(c.live_since, now())
     WHERE c.family_id = p_family_id AND c.sale_id = p_sale_id AND c.status = 'open'
    RETURNING c.id INTO v_cart;
    UPDATE cart_item ci
       SET previous_price_cents = coalesce(ci.previous_price_cents, ci.price_cents),
           price_cents = g.price_cents
      FROM activity_group g
     WHERE v_cart IS NOT NULL AND ci.cart_id = v_cart AND g.id = ci.group_id
       AND ci.price_cents <> g.price_cents;
    RETURN QUERY
        SELECT v_status, v_family, v_cart, ci.id, ci.program_id, ci.person_id, ci.group_id,
               ci.price_cents, ci.previous_price_cents, ci.options
          FROM cart_item ci
         WHERE v_cart IS NOT NULL AND ci.cart_id = v_cart
         ORDER BY ci.id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT v_status, v_family, v_cart, NULL::bigint, NULL::bigint,
                            NULL::bigint, NULL::bigint, NULL::integer, NULL::integer, NULL::jsonb;
    END IF;
END
$$;
