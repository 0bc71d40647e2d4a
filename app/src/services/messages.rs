//! What is written to customers, in their language: rendered when the
//! change happens (so the message says what was true then) and queued in
//! the outbox with it.

use super::outbox::NewMessage;
use crate::domain::basket::{PaymentMethod, PaymentStatus};
use crate::domain::order::Fulfilment;
use crate::domain::time::{format_shop_date, format_shop_time};
use crate::domain::{Cents, Lang};
use crate::error::AppResult;
use crate::i18n::td_string;
use crate::model::basket::{
    FulfilmentView, ORDER_CANCELLED_UNPAID, ORDER_CONFIRMATION, OrderReceipt,
};
use crate::translate::locale_of;
use sqlx::AnyConnection;

/// Where a collect order is collected, as the message says it.
struct ShopForCollection {
    name: String,
    postcode: String,
    city: String,
    opens_at_min: i64,
    closes_at_min: i64,
}

async fn shop_for_collection(
    conn: &mut AnyConnection,
    location_id: &str,
) -> AppResult<Option<ShopForCollection>> {
    let row: Option<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT name, postcode, city, opens_at_min, closes_at_min FROM locations WHERE id = $1",
    )
    .bind(location_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(
        |(name, postcode, city, opens_at_min, closes_at_min)| ShopForCollection {
            name,
            postcode,
            city,
            opens_at_min,
            closes_at_min,
        },
    ))
}

fn clock(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A message about an order to its contact address, in the order's
/// language: a greeting, `lines` (empty ones part paragraphs) and the
/// signature. `None` when the order has no address to write to.
fn letter(
    receipt: &OrderReceipt,
    kind: &'static str,
    subject: String,
    lines: &[String],
) -> Option<NewMessage> {
    let recipient = receipt.contact_email.clone()?;
    let locale = locale_of(receipt.lang);
    let mut body = format!("{}\n\n", td_string!(locale, mail.greeting));
    for line in lines {
        body.push_str(line);
        body.push('\n');
    }
    body.push_str(td_string!(locale, mail.signature));
    body.push('\n');
    Some(NewMessage {
        kind,
        subject_key: receipt.order_id.to_string(),
        order_id: Some(receipt.order_id),
        recipient,
        lang: receipt.lang,
        subject,
        body_text: body,
    })
}

/// The confirmation of a placed order, to its contact address; `None`
/// when the order has no address to write to.
pub async fn order_confirmation(
    conn: &mut AnyConnection,
    receipt: &OrderReceipt,
) -> AppResult<Option<NewMessage>> {
    if receipt.contact_email.is_none() {
        return Ok(None);
    }
    let lang = receipt.lang;
    let locale = locale_of(lang);
    let mut lines = vec![
        td_string!(
            locale,
            mail.confirmation_intro,
            reference = receipt.reference.as_str(),
            date = format_shop_date(receipt.created_at, lang)
        )
        .to_string(),
    ];
    for fulfilment in &receipt.fulfilments {
        lines.push(String::new());
        lines.push(fulfilment_heading(conn, fulfilment, lang).await?);
        for line in &fulfilment.lines {
            let text = td_string!(
                locale,
                mail.line,
                product = line.product_name.as_str(),
                colour = line.colour.as_str(),
                size = line.size.as_str(),
                sku = line.sku.as_str(),
                quantity = line.quantity,
                total = line.net.format(lang)
            );
            lines.push(format!("  - {text}"));
        }
    }
    lines.push(String::new());
    lines.push(td_string!(locale, mail.total, total = receipt.totals.net.format(lang)).to_string());
    if receipt.totals.discount != Cents(0) {
        let discount = receipt.totals.discount.format(lang);
        lines.push(td_string!(locale, mail.discount, discount = discount).to_string());
    }
    lines.push(payment_line(receipt, lang));
    lines.push(String::new());
    if receipt
        .fulfilments
        .iter()
        .any(|f| f.kind == Fulfilment::Collect)
    {
        lines.push(td_string!(locale, mail.collect_later).to_string());
    }
    let subject = td_string!(
        locale,
        mail.confirmation_subject,
        reference = receipt.reference.as_str()
    );
    Ok(letter(
        receipt,
        ORDER_CONFIRMATION,
        subject.to_string(),
        &lines,
    ))
}

async fn fulfilment_heading(
    conn: &mut AnyConnection,
    fulfilment: &FulfilmentView,
    lang: Lang,
) -> AppResult<String> {
    let locale = locale_of(lang);
    let when = fulfilment
        .promised_at
        .map(|at| format_shop_date(at, lang))
        .unwrap_or_default();
    Ok(match fulfilment.kind {
        Fulfilment::Carry => td_string!(
            locale,
            mail.carried,
            shop = fulfilment.source_name.as_deref().unwrap_or_default()
        )
        .to_string(),
        Fulfilment::Ship => td_string!(
            locale,
            mail.shipped,
            address = fulfilment.ship_address.as_deref().unwrap_or_default(),
            when = when.as_str()
        )
        .to_string(),
        Fulfilment::Collect => {
            let shop = match fulfilment.pickup_location_id.as_deref() {
                Some(id) => shop_for_collection(conn, id).await?,
                None => None,
            };
            match shop {
                Some(shop) => td_string!(
                    locale,
                    mail.collected,
                    shop = shop.name.as_str(),
                    postcode = shop.postcode.as_str(),
                    city = shop.city.as_str(),
                    opens = clock(shop.opens_at_min),
                    closes = clock(shop.closes_at_min),
                    when = when.as_str()
                )
                .to_string(),
                None => td_string!(
                    locale,
                    mail.collected_somewhere,
                    shop = fulfilment.pickup_name.as_deref().unwrap_or_default(),
                    when = when.as_str()
                )
                .to_string(),
            }
        }
    })
}

fn payment_line(receipt: &OrderReceipt, lang: Lang) -> String {
    let locale = locale_of(lang);
    match receipt.payment_status {
        PaymentStatus::Awaiting => td_string!(
            locale,
            mail.pay_by_link,
            until = receipt
                .pay_by
                .map(|at| format_shop_time(at, lang))
                .unwrap_or_default()
        )
        .to_string(),
        PaymentStatus::Cancelled => td_string!(locale, mail.payment_cancelled).to_string(),
        PaymentStatus::Paid => match receipt.payment_method {
            Some(PaymentMethod::Web) => td_string!(locale, mail.paid_online).to_string(),
            _ => td_string!(locale, mail.paid_in_shop).to_string(),
        },
    }
}

/// Tells the customer their order was cancelled, its payment by link not
/// having come in time.
pub fn order_cancelled_unpaid(receipt: &OrderReceipt) -> Option<NewMessage> {
    let lang = receipt.lang;
    let locale = locale_of(lang);
    let lines = [
        td_string!(
            locale,
            mail.cancelled_unpaid,
            reference = receipt.reference.as_str(),
            date = format_shop_date(receipt.created_at, lang)
        )
        .to_string(),
        String::new(),
    ];
    let subject = td_string!(
        locale,
        mail.cancelled_subject,
        reference = receipt.reference.as_str()
    );
    letter(receipt, ORDER_CANCELLED_UNPAID, subject.to_string(), &lines)
}
