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
    FulfilmentView, ITEMS_CANCELLED, ORDER_CANCELLED_UNPAID, ORDER_CONFIRMATION, OrderReceipt,
    PICKUP_EXPIRED, PICKUP_READY, PICKUP_REMINDER, RETURN_RECEIPT,
};
use crate::translate::locale_of;
use sqlx::AnyConnection;

/// Where a collect order is collected, as the message says it.
struct ShopForCollection {
    name: String,
    street: String,
    postcode: String,
    city: String,
    opens_at_min: i64,
    closes_at_min: i64,
}

async fn shop_for_collection(
    conn: &mut AnyConnection,
    location_id: &str,
) -> AppResult<Option<ShopForCollection>> {
    let row: Option<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT name, street, postcode, city, opens_at_min, closes_at_min FROM locations WHERE id = $1",
    )
    .bind(location_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(
        |(name, street, postcode, city, opens_at_min, closes_at_min)| ShopForCollection {
            name,
            street,
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
    letter_with_qr(receipt, kind, subject, lines, None)
}

fn letter_with_qr(
    receipt: &OrderReceipt,
    kind: &'static str,
    subject: String,
    lines: &[String],
    qr_text: Option<String>,
) -> Option<NewMessage> {
    let to = To {
        order_id: receipt.order_id,
        email: receipt.contact_email.clone()?,
        lang: receipt.lang,
    };
    Some(letter_to(
        &to,
        kind,
        receipt.order_id.to_string(),
        subject,
        lines,
        qr_text,
    ))
}

/// Who a message about an order goes to, in which language.
struct To {
    order_id: i64,
    email: String,
    lang: Lang,
}

async fn order_contact(conn: &mut AnyConnection, order_id: i64) -> AppResult<Option<To>> {
    let row: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT contact_email, lang FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.and_then(|(email, lang)| {
        Some(To {
            order_id,
            email: email?,
            lang: Lang::parse(&lang).unwrap_or_default(),
        })
    }))
}

fn letter_to(
    to: &To,
    kind: &'static str,
    subject_key: String,
    subject: String,
    lines: &[String],
    qr_text: Option<String>,
) -> NewMessage {
    let recipient = to.email.clone();
    let locale = locale_of(to.lang);
    let mut body = format!("{}\n\n", td_string!(locale, mail.greeting));
    for line in lines {
        body.push_str(line);
        body.push('\n');
    }
    body.push_str(td_string!(locale, mail.signature));
    body.push('\n');
    NewMessage {
        kind,
        subject_key,
        order_id: Some(to.order_id),
        recipient,
        lang: to.lang,
        subject,
        body_text: body,
        qr_text,
    }
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
    if receipt.delivery_fee != Cents(0) {
        let fee = receipt.delivery_fee.format(lang);
        lines.push(td_string!(locale, mail.delivery_fee, fee = fee).to_string());
    }
    if receipt.credit_used != Cents(0) {
        let credit = receipt.credit_used.format(lang);
        lines.push(td_string!(locale, mail.credit_used, credit = credit).to_string());
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
    lines.push(td_string!(locale, mail.order_qr_how).to_string());
    let subject = td_string!(
        locale,
        mail.confirmation_subject,
        reference = receipt.reference.as_str()
    );
    // The QR carries the reference: scanned at the counter, it opens the
    // order (a return, a question).
    Ok(letter_with_qr(
        receipt,
        ORDER_CONFIRMATION,
        subject.to_string(),
        &lines,
        Some(receipt.reference.clone()),
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

/// The shop's address and hours, as a pickup message gives them.
async fn where_to_collect(
    conn: &mut AnyConnection,
    location_id: &str,
    lang: Lang,
) -> AppResult<Vec<String>> {
    let locale = locale_of(lang);
    let Some(shop) = shop_for_collection(conn, location_id).await? else {
        return Ok(Vec::new());
    };
    let town = format!("{} {}", shop.postcode, shop.city);
    let address: Vec<&str> = [shop.name.as_str(), shop.street.as_str(), town.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    Ok(vec![
        address.join(", "),
        td_string!(
            locale,
            mail.pickup_hours,
            opens = clock(shop.opens_at_min),
            closes = clock(shop.closes_at_min)
        )
        .to_string(),
    ])
}

fn item_lines(lines: &[crate::model::pickup::PickLine], lang: Lang) -> Vec<String> {
    let locale = locale_of(lang);
    lines
        .iter()
        .filter(|l| l.coming() > 0)
        .map(|l| {
            let text = td_string!(
                locale,
                mail.pickup_line,
                product = l.product_name.as_str(),
                colour = l.colour.as_str(),
                size = l.size.as_str(),
                quantity = l.coming()
            );
            format!("  - {text}")
        })
        .collect()
}

/// The order is ready: where, when, until when, and the pickup code (as
/// text, and as a QR code beside the message).
pub(crate) async fn pickup_ready(
    conn: &mut AnyConnection,
    row: &crate::services::pickups::FulfilmentRow,
    lines: &[crate::model::pickup::PickLine],
    code: &crate::domain::pickup::PickupCode,
    collect_by: i64,
) -> AppResult<Option<NewMessage>> {
    let Some(to) = order_contact(conn, row.order_id).await? else {
        return Ok(None);
    };
    let locale = locale_of(to.lang);
    let mut text = vec![
        td_string!(locale, mail.ready_intro, reference = row.reference.as_str()).to_string(),
        String::new(),
    ];
    text.extend(where_to_collect(conn, row.pickup(), to.lang).await?);
    text.push(String::new());
    text.push(td_string!(locale, mail.pickup_code, code = code.display()).to_string());
    text.push(td_string!(locale, mail.pickup_code_how).to_string());
    text.push(
        td_string!(
            locale,
            mail.collect_by,
            date = format_shop_date(collect_by, to.lang)
        )
        .to_string(),
    );
    text.push(String::new());
    text.extend(item_lines(lines, to.lang));
    text.push(String::new());
    let subject = td_string!(
        locale,
        mail.ready_subject,
        reference = row.reference.as_str()
    );
    Ok(Some(letter_to(
        &to,
        PICKUP_READY,
        row.id.to_string(),
        subject.to_string(),
        &text,
        Some(code.qr_text()),
    )))
}

/// The day before the collect-by date (or when the manager asks).
pub(crate) async fn pickup_reminder(
    conn: &mut AnyConnection,
    row: &crate::services::pickups::FulfilmentRow,
    subject_key: &str,
) -> AppResult<Option<NewMessage>> {
    let Some(to) = order_contact(conn, row.order_id).await? else {
        return Ok(None);
    };
    let Some(code) = row
        .pickup_code
        .as_deref()
        .and_then(|c| crate::domain::pickup::PickupCode::parse(c).ok())
    else {
        return Ok(None);
    };
    let locale = locale_of(to.lang);
    let by = row.pickup_expires_at.unwrap_or_default();
    let mut text = vec![
        td_string!(
            locale,
            mail.reminder_intro,
            reference = row.reference.as_str(),
            date = format_shop_date(by, to.lang)
        )
        .to_string(),
        String::new(),
    ];
    text.extend(where_to_collect(conn, row.pickup(), to.lang).await?);
    text.push(String::new());
    text.push(td_string!(locale, mail.pickup_code, code = code.display()).to_string());
    text.push(td_string!(locale, mail.pickup_code_how).to_string());
    text.push(String::new());
    let subject = td_string!(
        locale,
        mail.reminder_subject,
        reference = row.reference.as_str()
    );
    Ok(Some(letter_to(
        &to,
        PICKUP_REMINDER,
        subject_key.to_string(),
        subject.to_string(),
        &text,
        Some(code.qr_text()),
    )))
}

/// Not collected in time: the order is closed and the items put back on sale.
pub(crate) async fn pickup_expired(
    conn: &mut AnyConnection,
    row: &crate::services::pickups::FulfilmentRow,
) -> AppResult<Option<NewMessage>> {
    let Some(to) = order_contact(conn, row.order_id).await? else {
        return Ok(None);
    };
    let locale = locale_of(to.lang);
    let text = vec![
        td_string!(
            locale,
            mail.expired_intro,
            reference = row.reference.as_str(),
            date = format_shop_date(row.pickup_expires_at.unwrap_or_default(), to.lang)
        )
        .to_string(),
        String::new(),
    ];
    let subject = td_string!(
        locale,
        mail.expired_subject,
        reference = row.reference.as_str()
    );
    Ok(Some(letter_to(
        &to,
        PICKUP_EXPIRED,
        row.id.to_string(),
        subject.to_string(),
        &text,
        None,
    )))
}

/// Items missing at the pick, cancelled and refunded.
pub async fn items_cancelled(
    conn: &mut AnyConnection,
    order_id: i64,
    line: &crate::model::pickup::PickLine,
    quantity: i64,
    subject_key: &str,
) -> AppResult<Option<NewMessage>> {
    let Some(to) = order_contact(conn, order_id).await? else {
        return Ok(None);
    };
    let reference: String = sqlx::query_scalar("SELECT reference FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?;
    let locale = locale_of(to.lang);
    let text = vec![
        td_string!(
            locale,
            mail.items_cancelled_intro,
            reference = reference.as_str(),
            quantity = quantity,
            product = line.product_name.as_str(),
            colour = line.colour.as_str(),
            size = line.size.as_str(),
            amount = Cents(line.unit_net_cents * quantity).format(to.lang)
        )
        .to_string(),
        String::new(),
    ];
    let subject = td_string!(
        locale,
        mail.items_cancelled_subject,
        reference = reference.as_str()
    );
    Ok(Some(letter_to(
        &to,
        ITEMS_CANCELLED,
        subject_key.to_string(),
        subject.to_string(),
        &text,
        None,
    )))
}

/// The receipt of a return, to the order's address in the order's
/// language: what came back, where it came back, how much goes back and
/// how. `None` when there is no address to write to.
pub fn return_receipt(
    receipt: &crate::model::returns::ReturnReceipt,
    order_id: i64,
) -> Option<NewMessage> {
    use crate::domain::returns::RefundMethod;
    let lang = receipt.lang;
    let locale = locale_of(lang);
    let mut lines = vec![
        td_string!(
            locale,
            mail.return_intro,
            order = receipt.order_reference.as_str(),
            shop = receipt.location_name.as_str(),
            date = format_shop_date(receipt.created_at, lang)
        )
        .to_string(),
    ];
    for line in &receipt.lines {
        let text = td_string!(
            locale,
            mail.return_line,
            product = line.product_name.as_str(),
            colour = line.colour.as_str(),
            size = line.size.as_str(),
            quantity = line.quantity,
            amount = line.refund.format(lang)
        );
        lines.push(format!("  - {text}"));
    }
    if receipt.delivery_fee != Cents(0) {
        let fee = receipt.delivery_fee.format(lang);
        lines.push(td_string!(locale, mail.return_fee, fee = fee).to_string());
    }
    lines.push(String::new());
    if receipt.applied_to_exchange != Cents(0) {
        lines.push(
            td_string!(
                locale,
                mail.return_exchange,
                amount = receipt.applied_to_exchange.format(lang),
                reference = receipt.exchange_reference.as_deref().unwrap_or_default()
            )
            .to_string(),
        );
    }
    let rest = Cents(receipt.refund.0 - receipt.applied_to_exchange.0);
    if rest != Cents(0) {
        let amount = rest.format(lang);
        let text = match receipt.refund_method {
            RefundMethod::StoreCredit => td_string!(
                locale,
                mail.return_credit,
                amount = amount,
                balance = receipt.store_credit_after.unwrap_or_default().format(lang)
            )
            .to_string(),
            RefundMethod::OriginalPayment => {
                td_string!(locale, mail.return_refund, amount = amount).to_string()
            }
        };
        lines.push(text);
    }
    lines.push(
        td_string!(
            locale,
            mail.return_reference,
            reference = receipt.reference.as_str()
        )
        .to_string(),
    );
    let to = To {
        order_id,
        email: receipt.contact_email.clone()?,
        lang,
    };
    let subject = td_string!(
        locale,
        mail.return_subject,
        reference = receipt.order_reference.as_str()
    );
    Some(letter_to(
        &to,
        RETURN_RECEIPT,
        receipt.return_id.to_string(),
        subject.to_string(),
        &lines,
        None,
    ))
}
