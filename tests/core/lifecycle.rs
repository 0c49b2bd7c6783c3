//! An order's whole life: placement (prices, reservations, approvals,
//! timeline, notifications), the supplier's messages, changes, cancel.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;
use edigate::document::*;
use sqlx::Row;

on_both_backends!(
    placing_prices_reserves_and_approves_in_one_step,
    repeating_a_placement_under_its_key_changes_nothing,
    a_bad_line_refuses_the_order_and_stores_nothing,
    approval_chain_steps_and_budget,
    rejection_and_cancel_give_back_stock_and_budget,
    restricted_categories_and_new_ship_tos_need_approval,
    the_whole_edi_life,
    changes_add_delete_and_replace_lines,
    inventory_reports_set_stock_through_the_same_commands,
    bundles_and_services_and_options,
    orders_over_the_credit_limit_wait_for_an_admin,
    kits_short_confirmations_repeats_and_late_shipments,
    a_change_past_the_rules_waits_for_approval_again,
);

async fn a_change_past_the_rules_waits_for_approval_again(core: Core) {
    seed(&core).await;
    let over = NewApprovalRule {
        amount: Some(dec("500")),
        ..rule("OVER-500", ApprovalRuleKind::TotalOver, Role::Approver, 1)
    };
    core.create_approval_rule(&admin(), &over).await.unwrap();
    let placed = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-G", &[("1", "DRILL-1", "2")]),
        )
        .await
        .unwrap();
    assert_eq!(placed.state, OrderState::Approved);
    let consumed = |core: Core| async move {
        core.budget(BERLIN, "CC-100", today())
            .await
            .unwrap()
            .unwrap()
            .1
            .amount
    };
    assert_eq!(consumed(core.clone()).await, dec("190"));
    let bigger = order("PO-G", &[("1", "DRILL-1", "8")]).lines;
    let change = OrderChange {
        order_id: "PO-G".into(),
        lines: vec![OrderChangeLine {
            change: LineChange::Replace,
            line: bigger[0].clone(),
        }],
        ..OrderChange::default()
    };
    let moved = core
        .apply_change(None, &partner(), &change, None)
        .await
        .unwrap();
    assert_eq!(moved.state, OrderState::PendingApproval);
    assert_eq!(
        consumed(core.clone()).await,
        dec("0"),
        "charged again on approval"
    );
    assert_eq!(
        core.approve_order(None, &Actor::user("bob"), &placed.number, None)
            .await
            .unwrap(),
        OrderState::Approved
    );
    assert_eq!(consumed(core.clone()).await, dec("760"));
    let events: Vec<String> = core
        .order(&placed.number)
        .await
        .unwrap()
        .timeline
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events,
        [
            "received",
            "approved",
            "changed",
            "held for approval",
            "approved"
        ]
    );
}

fn advice(id: &str, po: &str, items: &[(&str, &str)]) -> DespatchAdvice {
    DespatchAdvice {
        id: id.into(),
        orders: vec![ShippedOrder {
            order_id: po.into(),
            packs: vec![],
            items: items
                .iter()
                .map(|(line, qty)| ShippedItem {
                    line_id: Some(line.to_string()),
                    item: ItemIdentity::default(),
                    quantity: Quantity {
                        value: dec(qty),
                        unit: "C62".into(),
                    },
                    lot: None,
                })
                .collect(),
        }],
        ..DespatchAdvice::default()
    }
}

async fn kits_short_confirmations_repeats_and_late_shipments(core: Core) {
    seed(&core).await;
    let by = partner();
    // A kit ships as its parts: 3 kits take 3 drills and 6 pairs of gloves.
    let kits = core
        .place_order(None, &by, &edi_order("PO-KIT", &[("1", "KIT-1", "3")]))
        .await
        .unwrap();
    core.mark_sent(None, &by, &kits.number, None).await.unwrap();
    core.apply_despatch(None, &by, &advice("ASN-K", "PO-KIT", &[("1", "3")]), None)
        .await
        .unwrap();
    let (drill, gloves) = (
        core.availability("DRILL-1", today()).await.unwrap(),
        core.availability("GLOVES-1", today()).await.unwrap(),
    );
    assert_eq!((drill.on_hand, drill.reserved), (dec("5"), dec("0")));
    assert_eq!((gloves.on_hand, gloves.reserved), (dec("94"), dec("0")));
    // The same notice again, without its key, ships nothing twice.
    let again = core
        .apply_despatch(None, &by, &advice("ASN-K", "PO-KIT", &[("1", "3")]), None)
        .await
        .unwrap();
    assert_eq!(again[0].state, OrderState::Shipped);
    assert_eq!(
        core.order(&kits.number).await.unwrap().lines[0].shipped,
        dec("3")
    );
    assert_eq!(
        core.availability("DRILL-1", today()).await.unwrap().on_hand,
        dec("5")
    );

    // Confirmed short: shipping what was confirmed completes the order,
    // and closing gives back what is still held.
    let short = core
        .place_order(
            None,
            &by,
            &edi_order("PO-SHORT", &[("1", "GLOVES-1", "10")]),
        )
        .await
        .unwrap();
    core.mark_sent(None, &by, &short.number, None)
        .await
        .unwrap();
    let response = OrderResponse {
        order_id: "PO-SHORT".into(),
        status: ResponseStatus::AcceptedWithChanges,
        lines: vec![ResponseLine {
            line_id: "1".into(),
            status: LineStatus::Changed,
            item: ItemIdentity::default(),
            ordered_quantity: None,
            confirmed_quantity: Some(Quantity {
                value: dec("4"),
                unit: "C62".into(),
            }),
            price: None,
            ship_date: None,
            delivery_date: None,
            notes: vec![],
        }],
        ..OrderResponse::default()
    };
    core.apply_response(None, &by, &response, None)
        .await
        .unwrap();
    // A first invoice before the goods: the shipment still goes through.
    let invoice = Invoice {
        id: "INV-S".into(),
        order_id: Some("PO-SHORT".into()),
        ..Invoice::default()
    };
    let shipped = core
        .apply_despatch(
            None,
            &by,
            &advice("ASN-S1", "PO-SHORT", &[("1", "2")]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(shipped[0].state, OrderState::PartiallyShipped);
    assert_eq!(
        core.apply_invoice(None, &by, &invoice, None)
            .await
            .unwrap()
            .state,
        OrderState::Invoiced
    );
    let rest = core
        .apply_despatch(
            None,
            &by,
            &advice("ASN-S2", "PO-SHORT", &[("1", "2")]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(rest[0].state, OrderState::Invoiced);
    assert_eq!(
        core.availability("GLOVES-1", today())
            .await
            .unwrap()
            .reserved,
        dec("6"),
        "10 held, 4 shipped"
    );
    core.close_order(None, &Actor::system("close"), &short.number)
        .await
        .unwrap();
    assert_eq!(
        core.availability("GLOVES-1", today())
            .await
            .unwrap()
            .reserved,
        dec("0")
    );
}

async fn orders_over_the_credit_limit_wait_for_an_admin(core: Core) {
    seed(&core).await;
    // Every company of the fixture has a 50,000 EUR limit; Berlin's own is
    // the nearest.
    let first = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-1", &[("1", "SAW-1", "900")]),
        )
        .await
        .unwrap();
    assert_eq!(
        (first.state, first.total.amount),
        (OrderState::Approved, dec("45000"))
    );
    let second = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-2", &[("1", "SAW-1", "200")]),
        )
        .await
        .unwrap();
    assert_eq!(second.state, OrderState::PendingApproval);
    assert_eq!(
        second.approvals,
        ["credit limit of GLOBEX-DE-OPS-BERLIN: open orders 45000 + this 10000 EUR are over 50000"]
    );
    let bob = core
        .approve_order(None, &Actor::user("bob"), &second.number, None)
        .await
        .unwrap_err();
    assert!(
        bob.to_string().starts_with("bob may not decide step 0"),
        "{bob}"
    );
    assert_eq!(
        core.approve_order(None, &Actor::user("carol"), &second.number, Some("paid"))
            .await
            .unwrap(),
        OrderState::Approved
    );
    core.cancel_order(None, &partner(), &first.number, "wrong")
        .await
        .unwrap();
    let third = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-3", &[("1", "SAW-1", "100")]),
        )
        .await
        .unwrap();
    assert_eq!(
        third.state,
        OrderState::Approved,
        "the cancelled order no longer counts"
    );
    assert_kept_totals_match_the_orders(&core).await;
    // Without Berlin's own limit, the division's counts the orders of
    // every unit under it: Berlin's 10,000 + 5,000 open, and this one.
    sqlx::query("UPDATE companies SET credit_limit = NULL WHERE code = $1")
        .bind(BERLIN)
        .execute(core.store().writer())
        .await
        .unwrap();
    let fourth = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-4", &[("1", "SAW-1", "800")]),
        )
        .await
        .unwrap();
    assert_eq!(
        fourth.approvals,
        ["credit limit of GLOBEX-DE-OPS: open orders 15000 + this 40000 EUR are over 50000"]
    );
    core.reject_order(None, &Actor::user("carol"), &fourth.number, "over")
        .await
        .unwrap();
    assert_kept_totals_match_the_orders(&core).await;
}

/// The open total kept per company (by the store's triggers) is what
/// summing its open orders gives.
async fn assert_kept_totals_match_the_orders(core: &Core) {
    let rows = sqlx::query(
        "SELECT c.code, COALESCE(e.open_total, 0) AS kept, \
         (SELECT CAST(COALESCE(SUM(o.total), 0) AS BIGINT) FROM orders o WHERE o.company_id = c.id \
          AND o.state NOT IN ('rejected', 'declined', 'cancelled', 'closed')) AS summed \
         FROM companies c LEFT JOIN company_exposure e ON e.company_id = c.id",
    )
    .fetch_all(core.store().reader())
    .await
    .unwrap();
    for row in rows {
        let (code, kept, summed): (String, i64, i64) = (
            row.try_get("code").unwrap(),
            row.try_get("kept").unwrap(),
            row.try_get("summed").unwrap(),
        );
        assert_eq!(kept, summed, "open total of {code}");
    }
}

fn partner() -> Actor {
    Actor::partner("ZZ:GLOBEXBERLIN")
}

async fn placing_prices_reserves_and_approves_in_one_step(core: Core) {
    seed(&core).await;
    let placed = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-1", &[("1", "DRILL-1", "6"), ("2", "GLOVES-1", "10")]),
        )
        .await
        .unwrap();
    assert_eq!(placed.state, OrderState::Approved);
    assert_eq!(
        placed.total,
        Money::new(dec("620"), "EUR"),
        "6 × 95 + 10 × 5"
    );
    assert_eq!(
        placed.lines[0].reserved,
        dec("6"),
        "5 from the brand's warehouse, 1 shared"
    );
    assert_eq!(placed.lines[0].backordered, dec("0"));
    let drill = core.availability("DRILL-1", today()).await.unwrap();
    assert_eq!(
        (drill.on_hand, drill.reserved, drill.available),
        (dec("8"), dec("6"), dec("2"))
    );
    assert_eq!(drill.locations[0].warehouse, "WH-ACME");
    assert_eq!(drill.locations[0].reserved, dec("5"));
    let view = core.order(&placed.number).await.unwrap();
    assert_eq!(view.po_number, "PO-1");
    assert_eq!(view.procurement.cost_center.as_deref(), Some("CC-100"));
    assert_eq!(view.procurement.project.as_deref(), Some("P-7"));
    let events: Vec<(&str, &str)> = view
        .timeline
        .iter()
        .map(|e| (e.event.as_str(), e.state.as_str()))
        .collect();
    assert_eq!(events, [("received", "received"), ("approved", "approved")]);
    assert_eq!(
        view.timeline[0].source.as_deref(),
        Some("ISA 000000001 ST 0001 (PO-1)")
    );
    assert_eq!(view.timeline[0].actor, "partner:ZZ:GLOBEXBERLIN");
    let notes = core.pending_notifications(10).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(
        (notes[1].channel.as_str(), notes[1].recipient.as_str()),
        ("edi", "ZZ:GLOBEXBERLIN")
    );
    assert_eq!(notes[1].payload["state"], "approved");
    assert_eq!(notes[1].brand.as_deref(), Some("ACME-TOOLS"));
    core.mark_notification(notes[0].id, "delivered")
        .await
        .unwrap();
    assert_eq!(core.pending_notifications(10).await.unwrap().len(), 1);
    let budget = core
        .budget(BERLIN, "CC-100", today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        budget.1.amount,
        dec("620"),
        "consumed on (automatic) approval"
    );

    // Ordering more than exists backorders the rest; nothing oversells.
    let short = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-2", &[("1", "DRILL-1", "5")]),
        )
        .await
        .unwrap();
    assert_eq!(
        (short.lines[0].reserved, short.lines[0].backordered),
        (dec("2"), dec("3"))
    );
    assert_eq!(
        core.order(&short.number).await.unwrap().lines[0].status,
        "backordered"
    );
    assert_eq!(
        core.availability("DRILL-1", today())
            .await
            .unwrap()
            .available,
        dec("0")
    );
}

async fn repeating_a_placement_under_its_key_changes_nothing(core: Core) {
    seed(&core).await;
    let place = edi_order("PO-1", &[("1", "DRILL-1", "2")]);
    let first = core
        .place_order(Some("ZZ:GLOBEXBERLIN/000000001"), &partner(), &place)
        .await
        .unwrap();
    let again = core
        .place_order(Some("ZZ:GLOBEXBERLIN/000000001"), &partner(), &place)
        .await
        .unwrap();
    assert_eq!(first, again);
    // A repeat that could no longer be read (its product gone) still
    // gets the first answer.
    let unreadable = edi_order("PO-1", &[("1", "NOPE", "2")]);
    let late = core
        .place_order(Some("ZZ:GLOBEXBERLIN/000000001"), &partner(), &unreadable)
        .await
        .unwrap();
    assert_eq!(first, late);
    assert_eq!(
        core.availability("DRILL-1", today())
            .await
            .unwrap()
            .reserved,
        dec("2")
    );
    assert_eq!(orders_of(&core, BERLIN).await, 1);
    let reused = core
        .cancel_order(
            Some("ZZ:GLOBEXBERLIN/000000001"),
            &partner(),
            &first.number,
            "x",
        )
        .await
        .unwrap_err();
    assert_eq!(
        reused.to_string(),
        "idempotency key \"ZZ:GLOBEXBERLIN/000000001\" was used for place_order before"
    );
    // The other way round: a placement whose key a cancellation took
    // first is turned away, and none of its work stays.
    core.cancel_order(Some("cancel/PO-1"), &partner(), &first.number, "x")
        .await
        .unwrap();
    let taken = core
        .place_order(
            Some("cancel/PO-1"),
            &partner(),
            &edi_order("PO-2", &[("1", "DRILL-1", "1")]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        taken.to_string(),
        "idempotency key \"cancel/PO-1\" was used for cancel_order before"
    );
    assert_eq!(orders_of(&core, BERLIN).await, 1);
    assert_eq!(
        core.availability("DRILL-1", today())
            .await
            .unwrap()
            .reserved,
        dec("0")
    );
}

async fn a_bad_line_refuses_the_order_and_stores_nothing(core: Core) {
    seed(&core).await;
    let error = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-9", &[("1", "DRILL-1", "1"), ("2", "NOPE", "1")]),
        )
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "line 2: no product \"NOPE\"");
    let mut odd_unit = edi_order("PO-9", &[("1", "DRILL-1", "1")]);
    odd_unit.order.lines[0].quantity.unit = "KGM".into();
    let error = core
        .place_order(None, &partner(), &odd_unit)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1: product DRILL-1 is not sold in unit KGM"
    );
    let mut usd = edi_order("PO-9", &[("1", "DRILL-1", "1")]);
    usd.order.currency = Some("USD".into());
    let error = core.place_order(None, &partner(), &usd).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "order PO-9: currency USD is not the currency of market DE (EUR)"
    );
    let mut closed = edi_order("PO-9", &[("1", "DRILL-1", "1")]);
    closed.brand = "BOLT".into();
    let error = core
        .place_order(None, &partner(), &closed)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "brand BOLT does not sell through edi in market DE"
    );
    let error = core
        .place_order(
            None,
            &Actor::user("dave"),
            &edi_order("PO-9", &[("1", "DRILL-1", "1")]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "dave may not place orders for GLOBEX-DE-OPS-BERLIN (needs the buyer role)"
    );
    let history = core
        .order_history(&HistoryQuery {
            company: "GLOBEX".into(),
            include_below: true,
            ..HistoryQuery::default()
        })
        .await
        .unwrap();
    assert!(history.rows.is_empty());
    assert_eq!(
        core.availability("DRILL-1", today())
            .await
            .unwrap()
            .reserved,
        dec("0")
    );
    assert!(core.pending_notifications(10).await.unwrap().is_empty());
}

fn rule(code: &str, kind: ApprovalRuleKind, role: Role, step: u32) -> NewApprovalRule {
    NewApprovalRule {
        code: code.into(),
        company: Some("GLOBEX-DE".into()),
        kind,
        approver_role: role,
        amount: None,
        category: None,
        step,
    }
}

async fn approval_chain_steps_and_budget(core: Core) {
    seed(&core).await;
    core.create_approval_rule(
        &admin(),
        &NewApprovalRule {
            amount: Some(dec("500")),
            ..rule("OVER-500", ApprovalRuleKind::TotalOver, Role::Approver, 1)
        },
    )
    .await
    .unwrap();
    core.create_approval_rule(
        &admin(),
        &rule("BUDGET", ApprovalRuleKind::OverBudget, Role::Admin, 2),
    )
    .await
    .unwrap();
    let small = core
        .place_order(
            None,
            &Actor::user("alice"),
            &edi_order("PO-S", &[("1", "GLOVES-1", "10")]),
        )
        .await
        .unwrap();
    assert_eq!(small.state, OrderState::Approved);
    let big = core
        .place_order(
            None,
            &Actor::user("alice"),
            &edi_order("PO-B", &[("1", "DRILL-1", "8"), ("2", "SAW-1", "10")]),
        )
        .await
        .unwrap();
    assert_eq!(big.state, OrderState::PendingApproval);
    assert_eq!(big.total.amount, dec("1260"));
    assert_eq!(
        big.approvals,
        [
            "total 1260 EUR is over 500",
            "cost center CC-100 would be charged 1260 EUR, over the 950 left of its budget"
        ]
    );
    let buyer = core
        .approve_order(None, &Actor::user("alice"), &big.number, None)
        .await
        .unwrap_err();
    assert!(
        buyer.to_string().starts_with("alice may not decide step 1"),
        "{buyer}"
    );
    let carol_early = core
        .approve_order(None, &Actor::user("carol"), &big.number, None)
        .await
        .unwrap_err();
    assert!(
        carol_early
            .to_string()
            .starts_with("carol may not decide step 1"),
        "step 2 waits for step 1"
    );
    assert_eq!(
        core.approve_order(None, &Actor::user("erin"), &big.number, Some("ok"))
            .await
            .unwrap(),
        OrderState::PendingApproval
    );
    let budget_before = core
        .budget(BERLIN, "CC-100", today())
        .await
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(
        budget_before.amount,
        dec("50"),
        "not consumed while pending"
    );
    assert_eq!(
        core.approve_order(None, &Actor::user("carol"), &big.number, None)
            .await
            .unwrap(),
        OrderState::Approved
    );
    assert_eq!(
        core.budget(BERLIN, "CC-100", today())
            .await
            .unwrap()
            .unwrap()
            .1
            .amount,
        dec("1310")
    );
    let chain = core.approvals(&big.number).await.unwrap();
    assert_eq!(
        chain
            .iter()
            .map(|s| (s.step, s.state.as_str(), s.decided_by.as_deref()))
            .collect::<Vec<_>>(),
        [
            (1, "approved", Some("erin")),
            (2, "approved", Some("carol")),
        ]
    );
    let again = core
        .approve_order(None, &Actor::user("carol"), &big.number, None)
        .await
        .unwrap_err();
    assert_eq!(
        again.to_string(),
        format!("order {} is approved: it cannot be approved", big.number)
    );
    let events: Vec<String> = core
        .order(&big.number)
        .await
        .unwrap()
        .timeline
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events,
        [
            "received",
            "held for approval",
            "approval step approved",
            "approved"
        ]
    );
}

async fn rejection_and_cancel_give_back_stock_and_budget(core: Core) {
    seed(&core).await;
    core.create_approval_rule(
        &admin(),
        &NewApprovalRule {
            amount: Some(dec("100")),
            ..rule("OVER-100", ApprovalRuleKind::TotalOver, Role::Approver, 1)
        },
    )
    .await
    .unwrap();
    let held = core
        .place_order(
            None,
            &Actor::user("alice"),
            &edi_order("PO-R", &[("1", "DRILL-1", "3")]),
        )
        .await
        .unwrap();
    assert_eq!(
        core.availability("DRILL-1", today())
            .await
            .unwrap()
            .reserved,
        dec("3")
    );
    assert_eq!(
        core.reject_order(None, &Actor::user("bob"), &held.number, "not this quarter")
            .await
            .unwrap(),
        OrderState::Rejected
    );
    assert_eq!(
        core.availability("DRILL-1", today())
            .await
            .unwrap()
            .reserved,
        dec("0")
    );
    let timeline = core.order(&held.number).await.unwrap().timeline;
    assert_eq!(
        timeline.last().unwrap().detail["comment"],
        "not this quarter"
    );

    let cheap = core
        .place_order(
            None,
            &Actor::user("alice"),
            &edi_order("PO-C", &[("1", "GLOVES-1", "10")]),
        )
        .await
        .unwrap();
    assert_eq!(
        core.budget(BERLIN, "CC-100", today())
            .await
            .unwrap()
            .unwrap()
            .1
            .amount,
        dec("50")
    );
    let cancelled = core
        .cancel_order(None, &Actor::user("alice"), "PO-C", "ordered twice")
        .await
        .unwrap();
    assert_eq!(
        (cancelled.order, cancelled.state),
        (cheap.number.clone(), OrderState::Cancelled)
    );
    assert_eq!(
        core.budget(BERLIN, "CC-100", today())
            .await
            .unwrap()
            .unwrap()
            .1
            .amount,
        dec("0")
    );
    assert_eq!(
        core.availability("GLOVES-1", today())
            .await
            .unwrap()
            .reserved,
        dec("0")
    );
    let error = core
        .cancel_order(None, &Actor::user("alice"), &cheap.number, "again")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "order {} is cancelled: it cannot be cancelled",
            cheap.number
        )
    );
}

async fn restricted_categories_and_new_ship_tos_need_approval(core: Core) {
    seed(&core).await;
    core.create_approval_rule(
        &admin(),
        &NewApprovalRule {
            category: Some("1235".into()),
            ..rule(
                "CHEMICALS",
                ApprovalRuleKind::RestrictedCategory,
                Role::Approver,
                1,
            )
        },
    )
    .await
    .unwrap();
    core.create_approval_rule(
        &admin(),
        &rule(
            "NEW-SHIP-TO",
            ApprovalRuleKind::NewShipTo,
            Role::Approver,
            1,
        ),
    )
    .await
    .unwrap();
    let first = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-1", &[("1", "CHEM-1", "1")]),
        )
        .await
        .unwrap();
    assert_eq!(
        first.approvals,
        [
            "CHEM-1 is in restricted category 1235",
            "first order to ship-to 4000001000005"
        ]
    );
    core.approve_order(None, &Actor::user("bob"), &first.number, None)
        .await
        .unwrap();
    let second = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-2", &[("1", "GLOVES-1", "1")]),
        )
        .await
        .unwrap();
    assert_eq!(
        second.state,
        OrderState::Approved,
        "the ship-to is known now"
    );
}

async fn the_whole_edi_life(core: Core) {
    seed(&core).await;
    let placed = core
        .place_order(
            None,
            &partner(),
            &edi_order(
                "PO-L",
                &[
                    ("1", "DRILL-1", "4"),
                    ("2", "GLOVES-1", "10"),
                    ("3", "SAW-1", "2"),
                ],
            ),
        )
        .await
        .unwrap();
    let early = core
        .apply_despatch(
            None,
            &partner(),
            &DespatchAdvice {
                id: "ASN-0".into(),
                ..DespatchAdvice::default()
            },
            None,
        )
        .await;
    assert!(early.is_ok(), "an advice naming no order moves nothing");
    let sent = core
        .mark_sent(
            Some("out/1"),
            &Actor::system("outbox"),
            &placed.number,
            Some("ISA 000000101"),
        )
        .await
        .unwrap();
    assert_eq!(sent.state, OrderState::Sent);
    // The relay repeating itself after a crash: the first answer, and no
    // second "sent" on the timeline.
    let again = core
        .mark_sent(
            Some("out/1"),
            &Actor::system("outbox"),
            &placed.number,
            Some("ISA 000000101"),
        )
        .await
        .unwrap();
    assert_eq!(again, sent);
    let timeline = core.order(&placed.number).await.unwrap().timeline;
    assert_eq!(timeline.iter().filter(|e| e.event == "sent").count(), 1);

    let line = |id: &str, status: LineStatus, confirmed: Option<&str>| ResponseLine {
        line_id: id.into(),
        status,
        item: ItemIdentity::default(),
        ordered_quantity: None,
        confirmed_quantity: confirmed.map(|q| Quantity {
            value: dec(q),
            unit: "C62".into(),
        }),
        price: None,
        ship_date: None,
        delivery_date: Some(today() + chrono::Duration::days(5)),
        notes: vec![],
    };
    let response = OrderResponse {
        order_id: "PO-L".into(),
        status: ResponseStatus::AcceptedWithChanges,
        lines: vec![
            line("1", LineStatus::Accepted, Some("4")),
            line("2", LineStatus::Backordered, Some("10")),
            line("3", LineStatus::Rejected, None),
        ],
        ..OrderResponse::default()
    };
    assert_eq!(
        core.apply_response(Some("855/1"), &partner(), &response, Some("ISA 000000201"))
            .await
            .unwrap()
            .state,
        OrderState::Acknowledged
    );
    let view = core.order(&placed.number).await.unwrap();
    assert_eq!(
        view.lines
            .iter()
            .map(|l| l.status.as_str())
            .collect::<Vec<_>>(),
        ["accepted", "backordered", "rejected"]
    );
    assert_eq!(view.lines[1].confirmed, Some(dec("10")));
    assert_eq!(
        core.availability("SAW-1", today()).await.unwrap().reserved,
        dec("0"),
        "rejected line gave back its stock"
    );

    let shipped = |line: &str, qty: &str| ShippedItem {
        line_id: Some(line.into()),
        item: ItemIdentity::default(),
        quantity: Quantity {
            value: dec(qty),
            unit: "C62".into(),
        },
        lot: None,
    };
    let advice = |id: &str, items: Vec<ShippedItem>| DespatchAdvice {
        id: id.into(),
        tracking: vec![format!("1Z{id}")],
        orders: vec![ShippedOrder {
            order_id: "PO-L".into(),
            packs: vec![Pack {
                sscc: None,
                package_type: None,
                packs: vec![],
                items,
            }],
            items: vec![],
        }],
        ..DespatchAdvice::default()
    };
    let partial = core
        .apply_despatch(
            Some("856/1"),
            &partner(),
            &advice("ASN-1", vec![shipped("1", "4")]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(partial[0].state, OrderState::PartiallyShipped);
    let drill = core.availability("DRILL-1", today()).await.unwrap();
    assert_eq!(
        (drill.on_hand, drill.reserved),
        (dec("4"), dec("0")),
        "shipped goods left the stock"
    );
    let error = core
        .cancel_order(None, &partner(), &placed.number, "too late")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "order {} is partially shipped: it cannot be cancelled",
            placed.number
        )
    );
    let full = core
        .apply_despatch(
            Some("856/2"),
            &partner(),
            &advice("ASN-2", vec![shipped("2", "10")]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        full[0].state,
        OrderState::Shipped,
        "the rejected line is not waited for"
    );
    let repeat = core
        .apply_despatch(
            Some("856/2"),
            &partner(),
            &advice("ASN-2", vec![shipped("2", "10")]),
            None,
        )
        .await
        .unwrap();
    assert_eq!(repeat, full);
    assert_eq!(
        core.order(&placed.number).await.unwrap().lines[1].shipped,
        dec("10"),
        "the repeat shipped nothing more"
    );

    let invoice = Invoice {
        id: "INV-1".into(),
        order_id: Some("PO-L".into()),
        lines: vec![InvoiceLine {
            id: "1".into(),
            order_line_id: Some("1".into()),
            item: ItemIdentity::default(),
            description: None,
            quantity: Quantity {
                value: dec("4"),
                unit: "C62".into(),
            },
            price: None,
            line_amount: None,
            allowance_charges: vec![],
            taxes: vec![],
        }],
        totals: InvoiceTotals {
            payable: Some(Amount {
                value: dec("380"),
                currency: "EUR".into(),
            }),
            ..InvoiceTotals::default()
        },
        ..Invoice::default()
    };
    assert_eq!(
        core.apply_invoice(Some("810/1"), &partner(), &invoice, None)
            .await
            .unwrap()
            .state,
        OrderState::Invoiced
    );
    assert_eq!(
        core.close_order(None, &Actor::system("close"), &placed.number)
            .await
            .unwrap()
            .state,
        OrderState::Closed
    );
    let view = core.order(&placed.number).await.unwrap();
    let events: Vec<&str> = view.timeline.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "received",
            "approved",
            "sent",
            "acknowledged",
            "shipped",
            "shipped",
            "invoiced",
            "closed"
        ]
    );
    assert_eq!(view.timeline[4].detail["tracking"][0], "1ZASN-1");
    assert_eq!(view.timeline[4].state, "partially_shipped");
    assert_eq!(view.lines[0].invoiced, dec("4"));
    let notes = core.pending_notifications(100).await.unwrap();
    assert_eq!(
        notes.len(),
        events.len(),
        "one notification per status change"
    );
}

async fn changes_add_delete_and_replace_lines(core: Core) {
    seed(&core).await;
    let placed = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-X", &[("1", "DRILL-1", "2"), ("2", "GLOVES-1", "10")]),
        )
        .await
        .unwrap();
    let lines = order(
        "PO-X",
        &[
            ("1", "DRILL-1", "12"),
            ("2", "GLOVES-1", "10"),
            ("3", "SAW-1", "1"),
        ],
    )
    .lines;
    let change = OrderChange {
        order_id: "PO-X".into(),
        lines: vec![
            OrderChangeLine {
                change: LineChange::Replace,
                line: lines[0].clone(),
            },
            OrderChangeLine {
                change: LineChange::Delete,
                line: lines[1].clone(),
            },
            OrderChangeLine {
                change: LineChange::Add,
                line: lines[2].clone(),
            },
        ],
        ..OrderChange::default()
    };
    assert_eq!(
        core.apply_change(None, &partner(), &change, Some("860"))
            .await
            .unwrap()
            .state,
        OrderState::Approved
    );
    let view = core.order(&placed.number).await.unwrap();
    assert_eq!(
        view.lines
            .iter()
            .map(|l| (l.line.as_str(), l.status.as_str()))
            .collect::<Vec<_>>(),
        [("1", "backordered"), ("2", "cancelled"), ("3", "open"),]
    );
    assert_eq!(
        view.lines[0].unit_price,
        dec("95"),
        "the customer list beats the base tier"
    );
    assert_eq!(view.lines[0].reserved, dec("8"), "all there is");
    assert_eq!(view.total.amount, dec("1190"), "12 × 95 + 50");
    assert_eq!(
        core.availability("GLOVES-1", today())
            .await
            .unwrap()
            .reserved,
        dec("0")
    );
    assert_eq!(
        core.budget(BERLIN, "CC-100", today())
            .await
            .unwrap()
            .unwrap()
            .1
            .amount,
        dec("1190")
    );
    let bad = OrderChange {
        order_id: "PO-X".into(),
        lines: vec![OrderChangeLine {
            change: LineChange::Add,
            line: lines[0].clone(),
        }],
        ..OrderChange::default()
    };
    let error = core
        .apply_change(None, &partner(), &bad, None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("change to {}: line 1 exists already", placed.number)
    );
    // A replacement may name another item.
    let swap = order("PO-X", &[("3", "GLOVES-1", "4")]).lines;
    let change = OrderChange {
        order_id: "PO-X".into(),
        lines: vec![OrderChangeLine {
            change: LineChange::Replace,
            line: swap[0].clone(),
        }],
        ..OrderChange::default()
    };
    core.apply_change(None, &partner(), &change, None)
        .await
        .unwrap();
    let view = core.order(&placed.number).await.unwrap();
    assert_eq!(
        (view.lines[2].sku.as_str(), view.lines[2].amount),
        ("GLOVES-1", dec("20"))
    );
    assert_eq!(
        core.availability("SAW-1", today()).await.unwrap().reserved,
        dec("0")
    );
    assert_eq!(
        core.availability("GLOVES-1", today())
            .await
            .unwrap()
            .reserved,
        dec("4")
    );
}

async fn inventory_reports_set_stock_through_the_same_commands(core: Core) {
    seed(&core).await;
    let entry = |sku: &str, on_hand: &str| InventoryEntry {
        item: ItemIdentity {
            seller_id: Some(sku.into()),
            ..ItemIdentity::default()
        },
        location: Some(Party {
            ids: vec![PartyId {
                scheme: IdScheme::SellerAssigned,
                value: "WH-SHARED".into(),
            }],
            ..Party::default()
        }),
        on_hand: Some(Quantity {
            value: dec(on_hand),
            unit: "C62".into(),
        }),
        available: None,
        on_order: Some(Quantity {
            value: dec("20"),
            unit: "C62".into(),
        }),
        as_of: Some(today()),
        next_receipt_date: Some(today() + chrono::Duration::days(3)),
    };
    let report = InventoryReport {
        id: Some("846-1".into()),
        entries: vec![entry("DRILL-1", "7"), entry("SAW-1", "1")],
        ..InventoryReport::default()
    };
    let applied = core
        .apply_inventory_report(Some("846/1"), &partner(), &report)
        .await
        .unwrap();
    assert_eq!(applied.updated, 2);
    let drill = core.availability("DRILL-1", today()).await.unwrap();
    assert_eq!(
        drill.on_hand,
        dec("12"),
        "5 at WH-ACME + 7 reported at WH-SHARED"
    );
    assert_eq!(drill.available_by_date, dec("12"), "inbound not due yet");
    let later = core
        .availability("DRILL-1", today() + chrono::Duration::days(3))
        .await
        .unwrap();
    assert_eq!(later.available_by_date, dec("32"));
    // Goods on the way to a warehouse that holds none yet count too.
    core.add_inbound(&admin(), "WH-ACME", "GLOVES-1", today(), dec("7"))
        .await
        .unwrap();
    let gloves = core.availability("GLOVES-1", today()).await.unwrap();
    assert_eq!(
        (gloves.available, gloves.available_by_date),
        (dec("100"), dec("107"))
    );
    assert_eq!(gloves.locations[0].warehouse, "WH-ACME");
    let mut carton = report.clone();
    carton.entries = vec![entry("DRILL-1", "2")];
    carton.entries[0].on_hand.as_mut().unwrap().unit = "CT".into();
    core.apply_inventory_report(None, &partner(), &carton)
        .await
        .unwrap();
    assert_eq!(
        core.availability("DRILL-1", today()).await.unwrap().on_hand,
        dec("17"),
        "2 cartons of 6"
    );
    let mut nowhere = report.clone();
    nowhere.entries[0].location = None;
    let error = core
        .apply_inventory_report(None, &partner(), &nowhere)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "inventory report entry 1: no warehouse for location \"\""
    );
}

async fn bundles_and_services_and_options(core: Core) {
    seed(&core).await;
    let mut place = edi_order(
        "PO-K",
        &[
            ("1", "KIT-1", "3"),
            ("2", "INSTALL-SVC", "2"),
            ("3", "CHEM-1", "2"),
        ],
    );
    place
        .options
        .insert("3".into(), vec![("size".into(), "5l".into())]);
    let placed = core.place_order(None, &partner(), &place).await.unwrap();
    assert_eq!(
        placed.lines[0].reserved,
        dec("3"),
        "3 drills and 6 gloves were there"
    );
    assert_eq!(placed.lines[1].reserved, dec("2"), "services need no stock");
    assert_eq!(
        placed.lines[2].unit_price,
        dec("27.5"),
        "20 + 7.50 for the 5 l size"
    );
    assert!(
        placed.lines[2]
            .price_rule
            .ends_with("options add 7.5 per C62"),
        "{}",
        placed.lines[2].price_rule
    );
    assert_eq!(
        placed.total.amount,
        dec("755"),
        "3 × 180 + 2 × 80 + 2 × 27.50"
    );
    // The order keeps the choice, for the supplier and for a reorder.
    let view = core.order(&placed.number).await.unwrap();
    assert_eq!(view.lines[2].options, [("size".into(), "5l".into())]);
    assert!(view.lines[0].options.is_empty());
    let gloves = core.availability("GLOVES-1", today()).await.unwrap();
    assert_eq!(gloves.reserved, dec("6"));
    let more = core
        .place_order(
            None,
            &partner(),
            &edi_order("PO-K2", &[("1", "KIT-1", "9")]),
        )
        .await
        .unwrap();
    assert_eq!(more.lines[0].reserved, dec("5"), "only 5 drills were left");
    let mut wrong = edi_order("PO-K3", &[("1", "CHEM-1", "1")]);
    wrong
        .options
        .insert("1".into(), vec![("size".into(), "50l".into())]);
    let error = core
        .place_order(None, &partner(), &wrong)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1: product CHEM-1 has no option size = 50l"
    );
}
