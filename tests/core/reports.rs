//! Order history with filters, keyset pages and CSV; reorder insight.

use crate::backends::on_both_backends;
use crate::fixtures::*;
use edigate::core::*;

on_both_backends!(
    history_filters_pages_and_exports,
    frequently_bought_and_reorder_suggestions
);

async fn place_many(core: &Core) -> Vec<String> {
    let mut numbers = Vec::new();
    for n in 0..23 {
        let mut place = edi_order(
            &format!("PO-{n:03}"),
            &[("1", if n % 3 == 0 { "SAW-1" } else { "GLOVES-1" }, "1")],
        );
        if n % 2 == 1 {
            place.company = MUNICH.into();
            place.order.procurement.cost_center = None;
            place.order.procurement.project = Some("P-9".into());
        }
        let by = if n % 2 == 1 {
            Actor::user("dave")
        } else {
            Actor::user("alice")
        };
        numbers.push(core.place_order(None, &by, &place).await.unwrap().number);
    }
    numbers
}

async fn history_filters_pages_and_exports(core: Core) {
    seed(&core).await;
    let numbers = place_many(&core).await;
    let all = HistoryQuery {
        company: "GLOBEX-DE".into(),
        include_below: true,
        limit: 5,
        ..HistoryQuery::default()
    };
    let mut seen = Vec::new();
    let mut query = all.clone();
    loop {
        let page = core.order_history(&query).await.unwrap();
        assert!(page.rows.len() <= 5);
        seen.extend(page.rows.iter().map(|r| r.number.clone()));
        match page.next {
            Some(next) => query.after = Some(HistoryCursor::parse(&next.token()).unwrap()),
            None => break,
        }
    }
    let mut newest_first = numbers.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "every order once, newest first");
    let oldest = core
        .order_history(&HistoryQuery {
            oldest_first: true,
            limit: 2,
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        oldest
            .rows
            .iter()
            .map(|r| r.number.clone())
            .collect::<Vec<_>>(),
        numbers[..2]
    );

    let count = |q: HistoryQuery| {
        let core = core.clone();
        async move {
            core.order_history(&HistoryQuery { limit: 100, ..q })
                .await
                .unwrap()
                .rows
                .len()
        }
    };
    assert_eq!(
        count(HistoryQuery {
            include_below: false,
            company: BERLIN.into(),
            ..all.clone()
        })
        .await,
        12
    );
    assert_eq!(
        count(HistoryQuery {
            include_below: false,
            ..all.clone()
        })
        .await,
        0,
        "the company itself ordered nothing"
    );
    assert_eq!(
        count(HistoryQuery {
            project: Some("P-9".into()),
            ..all.clone()
        })
        .await,
        11
    );
    assert_eq!(
        count(HistoryQuery {
            cost_center: Some("CC-100".into()),
            ..all.clone()
        })
        .await,
        12
    );
    assert_eq!(
        count(HistoryQuery {
            buyer: Some("dave".into()),
            ..all.clone()
        })
        .await,
        11
    );
    assert_eq!(
        count(HistoryQuery {
            sku: Some("SAW-1".into()),
            ..all.clone()
        })
        .await,
        8
    );
    assert_eq!(
        count(HistoryQuery {
            po_number: Some("PO-007".into()),
            ..all.clone()
        })
        .await,
        1
    );
    assert_eq!(
        count(HistoryQuery {
            brand: Some("BOLT".into()),
            ..all.clone()
        })
        .await,
        0
    );
    assert_eq!(
        count(HistoryQuery {
            states: vec![OrderState::Approved],
            ..all.clone()
        })
        .await,
        23
    );
    assert_eq!(
        count(HistoryQuery {
            states: vec![OrderState::Shipped],
            ..all.clone()
        })
        .await,
        0
    );
    assert_eq!(
        count(HistoryQuery {
            from: Some(today()),
            to: Some(today()),
            ..all.clone()
        })
        .await,
        23
    );
    assert_eq!(
        count(HistoryQuery {
            to: Some(today() - chrono::Duration::days(1)),
            ..all.clone()
        })
        .await,
        0
    );

    let mut csv = Vec::new();
    let written = core
        .export_history_csv(
            &HistoryQuery {
                sku: Some("SAW-1".into()),
                ..all.clone()
            },
            &mut csv,
        )
        .await
        .unwrap();
    assert_eq!(written, 8);
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(
        lines[0],
        "number,po_number,placed_at,state,company,buyer,brand,cost_center,project,total,currency"
    );
    assert!(
        lines[1].starts_with(&format!("{},PO-021,", numbers[21])),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(",approved,GLOBEX-DE-OPS-MUNICH,dave,ACME-TOOLS,,P-9,50,EUR"),
        "{}",
        lines[1]
    );
}

async fn frequently_bought_and_reorder_suggestions(core: Core) {
    seed(&core).await;
    place_many(&core).await;
    let top = core.frequently_bought("GLOBEX-DE", 2).await.unwrap();
    assert_eq!(
        top.iter()
            .map(|s| (s.sku.as_str(), s.orders))
            .collect::<Vec<_>>(),
        [("GLOVES-1", 15), ("SAW-1", 8)]
    );
    let berlin = core.frequently_bought(BERLIN, 10).await.unwrap();
    assert_eq!(berlin.iter().map(|s| s.orders).sum::<i64>(), 12);
    // Ordered again and again today: the mean interval rounds up to a day.
    let due = core
        .reorder_suggestions("GLOBEX-DE", today() + chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].due_on, Some(today() + chrono::Duration::days(1)));
    assert!(core
        .reorder_suggestions("GLOBEX-DE", today())
        .await
        .unwrap()
        .is_empty());
}
