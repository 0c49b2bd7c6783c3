//! Many commands at once: no oversell, one approval, one order per key.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;

on_both_backends!(
    concurrent_orders_for_the_last_units_never_oversell,
    concurrent_approvals_approve_once,
    duplicate_keys_in_parallel_place_one_order,
    parallel_orders_never_overspend_a_guarded_budget,
);

async fn parallel_orders_never_overspend_a_guarded_budget(core: Core) {
    seed(&core).await;
    let rule = NewApprovalRule {
        code: "BUDGET".into(),
        company: None,
        kind: ApprovalRuleKind::OverBudget,
        approver_role: Role::Approver,
        amount: None,
        category: None,
        step: 1,
    };
    core.create_approval_rule(&admin(), &rule).await.unwrap();
    // The Berlin budget is 1,000 EUR; each order charges 200.
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let core = core.clone();
            tokio::spawn(async move {
                let place = edi_order(&format!("PO-B{n}"), &[("1", "GLOVES-1", "40")]);
                core.place_order(None, &Actor::partner("ZZ:GLOBEXBERLIN"), &place)
                    .await
            })
        })
        .collect();
    let mut approved = 0;
    for task in tasks {
        if task.await.unwrap().unwrap().state == OrderState::Approved {
            approved += 1;
        }
    }
    assert_eq!(approved, 5, "exactly what the budget covers");
    let consumed = core
        .budget(BERLIN, "CC-100", today())
        .await
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(consumed.amount, dec("1000"));
}

async fn concurrent_orders_for_the_last_units_never_oversell(core: Core) {
    seed(&core).await;
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let core = core.clone();
            tokio::spawn(async move {
                core.place_order(
                    None,
                    &Actor::partner("ZZ:GLOBEXBERLIN"),
                    &edi_order(&format!("PO-{n}"), &[("1", "DRILL-1", "1")]),
                )
                .await
            })
        })
        .collect();
    let mut reserved = rust_decimal::Decimal::ZERO;
    for task in tasks {
        let placed = task.await.unwrap().unwrap();
        reserved += placed.lines[0].reserved;
    }
    assert_eq!(reserved, dec("8"), "exactly the 8 in stock");
    let drill = core.availability("DRILL-1", today()).await.unwrap();
    assert_eq!((drill.reserved, drill.available), (dec("8"), dec("0")));
    assert!(drill.locations.iter().all(|l| l.reserved <= l.on_hand));
}

async fn concurrent_approvals_approve_once(core: Core) {
    seed(&core).await;
    let rule = NewApprovalRule {
        code: "ALL".into(),
        company: None,
        kind: ApprovalRuleKind::TotalOver,
        approver_role: Role::Approver,
        amount: Some(dec("0")),
        category: None,
        step: 1,
    };
    core.create_approval_rule(&admin(), &rule).await.unwrap();
    let placed = core
        .place_order(
            None,
            &Actor::user("alice"),
            &edi_order("PO-1", &[("1", "GLOVES-1", "10")]),
        )
        .await
        .unwrap();
    let tasks: Vec<_> = ["bob", "erin", "bob", "erin", "bob", "erin"]
        .into_iter()
        .map(|who| {
            let core = core.clone();
            let number = placed.number.clone();
            tokio::spawn(async move {
                core.approve_order(None, &Actor::user(who), &number, None)
                    .await
            })
        })
        .collect();
    let mut approved = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(state) => {
                assert_eq!(state, OrderState::Approved);
                approved += 1;
            }
            Err(CoreError::IllegalTransition { state, .. }) => assert_eq!(state, "approved"),
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(approved, 1);
    assert_eq!(
        core.budget(BERLIN, "CC-100", today())
            .await
            .unwrap()
            .unwrap()
            .1
            .amount,
        dec("50"),
        "consumed once"
    );
    let events = core.order(&placed.number).await.unwrap().timeline;
    assert_eq!(events.iter().filter(|e| e.event == "approved").count(), 1);
}

async fn duplicate_keys_in_parallel_place_one_order(core: Core) {
    seed(&core).await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let core = core.clone();
            tokio::spawn(async move {
                core.place_order(
                    Some("payload-123@buyer.example"),
                    &Actor::partner("AN0100"),
                    &edi_order("PO-DUP", &[("1", "SAW-1", "2")]),
                )
                .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap().unwrap());
    }
    assert!(
        results.windows(2).all(|w| w[0] == w[1]),
        "every repeat returns the first result"
    );
    assert_eq!(
        core.availability("SAW-1", today()).await.unwrap().reserved,
        dec("2")
    );
    assert_eq!(orders_of(&core, BERLIN).await, 1);
}
