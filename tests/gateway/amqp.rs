//! RabbitMQ: the supplier's ERP on AMQP queues (orders published with
//! confirms, answers consumed with their CONTRL sent to `reply_to`), and
//! the outbox holding deliveries while the broker is away. Skipped, and
//! said so, without `EDIGATE_TEST_AMQP_URL`.

use crate::harness::{amqp_url, from_acme, placed, unique, x12_with_control, Gate};
use lapin::options::{
    BasicGetOptions, BasicPublishOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use std::time::Duration;

async fn channel(url: &str) -> (Connection, Channel) {
    let properties = ConnectionProperties::default()
        .with_executor(tokio_executor_trait::Tokio::current())
        .with_reactor(tokio_reactor_trait::Tokio);
    let connection = Connection::connect(url, properties)
        .await
        .expect("RabbitMQ");
    let channel = connection.create_channel().await.unwrap();
    (connection, channel)
}

/// The next message on `queue`, waiting up to 10 s. A get on a queue not
/// declared yet closes the channel, so each try opens its own.
async fn next_on(connection: &Connection, queue: &str) -> Vec<u8> {
    for _ in 0..200 {
        if let Ok(channel) = connection.create_channel().await {
            if let Ok(Some(message)) = channel
                .basic_get(queue, BasicGetOptions { no_ack: true })
                .await
            {
                return message.delivery.data.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing arrived on {queue}");
}

/// The supplier connector with its orders on `orders` and its answers
/// consumed from `answers`, instead of files.
fn supplier_on_amqp(dir: &std::path::Path, orders: &str, answers: &str) {
    let file = dir.join("connectors/acme-erp.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replace(
        "[[outbound]]\ntransport = \"file\"\ndir = \"var/outbound/acme-erp\"",
        &format!("[[outbound]]\ntransport = \"amqp\"\nqueue = \"{orders}\""),
    );
    let text =
        format!("{text}\n[[inbound]]\ntransport = \"amqp\"\nqueue = \"{answers}\"\nprefetch = 4\n");
    std::fs::write(file, text).unwrap();
}

fn ordrsp(number: &str) -> Vec<u8> {
    from_acme(
        serde_json::json!({
            "type": "order_response", "id": "OR-A1", "order_id": number, "status": "accepted",
            "lines": [
                { "line_id": "1", "status": "accepted", "item": { "seller_id": "AC-1001" } },
                { "line_id": "2", "status": "accepted", "item": { "seller_id": "AC-2040" } },
                { "line_id": "3", "status": "accepted", "item": { "seller_id": "AC-3300" } }
            ]
        }),
        "ORDRSP",
        4242,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supplier_gets_orders_and_answers_over_amqp() {
    let Some(url) = amqp_url() else { return };
    let (orders, answers, replies) = (
        unique("edigate.test.orders"),
        unique("edigate.test.answers"),
        unique("edigate.test.replies"),
    );
    let dir_orders = orders.clone();
    let dir_answers = answers.clone();
    let gate = Gate::sqlite_on(
        move |dir| supplier_on_amqp(dir, &dir_orders, &dir_answers),
        Some(url.clone()),
    )
    .await;
    let (connection, ch) = channel(&url).await;
    ch.queue_declare(
        &replies,
        QueueDeclareOptions::default(),
        FieldTable::default(),
    )
    .await
    .unwrap();

    let response = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", 901),
        )
        .await;
    let number = placed(&response);
    let published = String::from_utf8(next_on(&connection, &orders).await).unwrap();
    assert!(
        published.contains(&format!("BGM+220+{number}+9'")),
        "{published}"
    );
    gate.order_in_state(&number, "sent").await;

    ch.basic_publish(
        "",
        &answers,
        BasicPublishOptions::default(),
        &ordrsp(&number),
        BasicProperties::default().with_reply_to(replies.as_str().into()),
    )
    .await
    .unwrap()
    .await
    .unwrap();
    gate.order_in_state(&number, "acknowledged").await;
    let contrl = String::from_utf8(next_on(&connection, &replies).await).unwrap();
    assert!(
        contrl.contains("CONTRL") && contrl.contains("UCI+4242+"),
        "{contrl}"
    );

    for queue in [&orders, &answers, &replies] {
        let _ = ch.queue_delete(queue, QueueDeleteOptions::default()).await;
        let _ = ch
            .queue_delete(&format!("{queue}.dead"), QueueDeleteOptions::default())
            .await;
    }
}

/// A TCP relay to RabbitMQ that can be switched on later: until then the
/// broker looks down.
async fn relay_when_on(port: u16, on: tokio::sync::watch::Receiver<bool>, broker: String) {
    let mut on = on;
    while !*on.borrow() {
        if on.changed().await.is_err() {
            return;
        }
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("relay port");
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            return;
        };
        let broker = broker.clone();
        tokio::spawn(async move {
            if let Ok(mut outbound) = tokio::net::TcpStream::connect(broker).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_wait_in_the_outbox_while_rabbitmq_is_away() {
    let Some(url) = amqp_url() else { return };
    let broker = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5672")
        .to_string();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let (switch, on) = tokio::sync::watch::channel(false);
    tokio::spawn(relay_when_on(port, on, broker));
    let away = url.replacen(
        url.split('@')
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap(),
        &format!("127.0.0.1:{port}"),
        1,
    );
    let gate = Gate::sqlite().await.restart_with_amqp(Some(away)).await;
    let response = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", 902),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "partners are answered while the bus is away"
    );
    let number = placed(&response);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, view) = gate
        .get(
            &format!("/api/orders/{number}"),
            Some(crate::harness::STAFF),
        )
        .await;
    assert_eq!(view["state"], "approved", "not sent while RabbitMQ is away");
    let metrics = gate
        .http
        .get(gate.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("edigate_outbound_queue_depth 1"),
        "{metrics}"
    );
    switch.send(true).unwrap();
    gate.order_in_state(&number, "sent").await;
    assert_eq!(gate.dropped("acme-erp").len(), 1);
}
