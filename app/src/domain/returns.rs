//! Returns of goods the customer already has: how many units of a line may
//! come back and until when, why and in what state they come back, where
//! each unit goes, and how much money goes back. No I/O here.

use super::money::Cents;
use super::time::shop_day_start;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Longest free text kept for a reason "other" or an approval's why.
pub const MAX_RETURN_NOTE: usize = 200;

/// Why the customer brings an item back, from the list the associate picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    TooSmall,
    TooBig,
    NotAsPictured,
    Defective,
    ArrivedLate,
    ChangedMind,
    /// With a text of the associate's.
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 7] = [
        Self::TooSmall,
        Self::TooBig,
        Self::NotAsPictured,
        Self::Defective,
        Self::ArrivedLate,
        Self::ChangedMind,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooSmall => "too_small",
            Self::TooBig => "too_big",
            Self::NotAsPictured => "not_as_pictured",
            Self::Defective => "defective",
            Self::ArrivedLate => "arrived_late",
            Self::ChangedMind => "changed_mind",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == code.trim())
    }
}

/// The state an item comes back in, as the associate judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCondition {
    /// Can be sold again as it is.
    Resellable,
    /// Torn, stained, broken: never sold again as new.
    Damaged,
    /// Someone must look at it before it is sold again.
    NeedsChecking,
}

impl ItemCondition {
    pub const ALL: [ItemCondition; 3] = [Self::Resellable, Self::Damaged, Self::NeedsChecking];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resellable => "resellable",
            Self::Damaged => "damaged",
            Self::NeedsChecking => "needs_checking",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code.trim())
    }
}

/// Where a returned unit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Back into this location's available stock.
    Restock,
    /// Sent to the warehouse (in transit until received there).
    ToWarehouse,
    /// Kept aside at this location, never available, until the manager
    /// writes it off, sends it to the warehouse or puts it back in stock.
    Quarantine,
}

impl Disposition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restock => "restock",
            Self::ToWarehouse => "to_warehouse",
            Self::Quarantine => "quarantine",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Restock, Self::ToWarehouse, Self::Quarantine]
            .into_iter()
            .find(|d| d.as_str() == code.trim())
    }
}

/// What the location taking the item back does with returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnSite {
    /// The warehouse itself: it checks what it receives.
    pub is_warehouse: bool,
    /// The shop sells the item's department.
    pub carries_item: bool,
    /// The shop's policy: resellable returns go back on its own shelves
    /// (otherwise everything goes to the warehouse).
    pub restocks_returns: bool,
}

/// Where an item in `condition` goes when it comes back at `site`.
pub fn disposition(condition: ItemCondition, site: ReturnSite) -> Disposition {
    match condition {
        ItemCondition::Damaged => Disposition::Quarantine,
        ItemCondition::NeedsChecking if site.is_warehouse => Disposition::Quarantine,
        ItemCondition::NeedsChecking => Disposition::ToWarehouse,
        ItemCondition::Resellable
            if site.is_warehouse || (site.carries_item && site.restocks_returns) =>
        {
            Disposition::Restock
        }
        ItemCondition::Resellable => Disposition::ToWarehouse,
    }
}

/// How long a product family may come back: days from the moment the
/// customer had it, or never (final sale: cut fabric, for example).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyRule {
    pub window_days: i64,
    pub final_sale: bool,
}

/// One order line's figures, as the database keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineFacts {
    pub quantity: i64,
    /// Units no longer coming (short pick, given up, expired).
    pub cancelled: i64,
    /// Units the customer has: handed over, delivered, or taken at the till.
    pub delivered: i64,
    pub returned: i64,
    /// When the customer had them (the start of the return window).
    pub delivered_at: Option<i64>,
}

/// What can be done with a line, before anyone chooses anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Units may come back until `until` (inclusive, ms).
    Open { until: i64 },
    /// The window closed at `closed_at`: only with a manager's approval.
    WindowClosed { closed_at: i64 },
    /// Never taken back.
    FinalSale,
    /// Nothing the customer has is left to return.
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEligibility {
    /// Units the customer has and has not returned.
    pub returnable: i64,
    /// Units not delivered yet: these are cancelled, not returned.
    pub not_delivered: i64,
    pub verdict: Verdict,
}

/// The end of a return window: the last moment of the shop day
/// `window_days` after the customer had the goods.
pub fn window_end(delivered_at: i64, window_days: i64) -> i64 {
    shop_day_start(delivered_at + (window_days.max(0) + 1) * DAY_MS) - 1
}

/// A line's eligibility at `now`.
pub fn eligibility(line: LineFacts, rule: FamilyRule, now: i64) -> LineEligibility {
    let returnable = (line.delivered - line.returned).max(0);
    let not_delivered = (line.quantity - line.cancelled - line.delivered).max(0);
    let verdict = if returnable == 0 {
        Verdict::Nothing
    } else if rule.final_sale {
        Verdict::FinalSale
    } else {
        let until = window_end(line.delivered_at.unwrap_or(now), rule.window_days);
        if now <= until {
            Verdict::Open { until }
        } else {
            Verdict::WindowClosed { closed_at: until }
        }
    };
    LineEligibility {
        returnable,
        not_delivered,
        verdict,
    }
}

/// What `units` more units of a line are worth to the customer, when
/// `refunded_units` of it have already been refunded for `refunded`.
///
/// The line's net (after its discount) is spread over its units so that
/// however many returns the units come back in, together they come to the
/// line's net exactly: never a cent more than was paid, none lost.
pub fn units_refund(
    line_net: Cents,
    quantity: i64,
    refunded_units: i64,
    refunded: Cents,
    units: i64,
) -> Cents {
    if quantity <= 0 || units <= 0 {
        return Cents(0);
    }
    let upto = (refunded_units + units).clamp(0, quantity);
    let worth_so_far = line_net.0 * upto / quantity;
    Cents((worth_so_far - refunded.0).clamp(0, line_net.0.max(0)))
}

/// The delivery fee given back with a return: all that is left of it when
/// the whole order has come back or an item was defective, otherwise none.
pub fn delivery_fee_refund(
    fee: Cents,
    already_refunded: Cents,
    whole_order_back: bool,
    defective: bool,
) -> Cents {
    if whole_order_back || defective {
        Cents((fee.0 - already_refunded.0).max(0))
    } else {
        Cents(0)
    }
}

/// How money goes back: to the payment the customer made, or as a balance
/// they spend later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundMethod {
    OriginalPayment,
    StoreCredit,
}

impl RefundMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OriginalPayment => "original_payment",
            Self::StoreCredit => "store_credit",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::OriginalPayment, Self::StoreCredit]
            .into_iter()
            .find(|m| m.as_str() == code.trim())
    }
}

/// An exchange's money: what the returned items are worth goes to the new
/// sale first; only the difference is paid or given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// Taken from the return's value to pay the new sale.
    pub applied: Cents,
    /// Still to pay for the new sale.
    pub to_pay: Cents,
    /// Given back to the customer.
    pub to_refund: Cents,
}

pub fn settle(returned_value: Cents, new_sale: Cents) -> Settlement {
    let applied = Cents(returned_value.0.min(new_sale.0).max(0));
    Settlement {
        applied,
        to_pay: Cents(new_sale.0 - applied.0),
        to_refund: Cents(returned_value.0 - applied.0),
    }
}

/// Store credit spent on a sale: what the customer asks for, checked
/// against their balance and the sale's total.
pub fn credit_to_spend(balance: Cents, total: Cents, asked: Cents) -> Result<Cents, AppError> {
    if asked.0 < 0 {
        return Err(AppError::CreditAmountInvalid);
    }
    if asked.0 > balance.0 {
        return Err(AppError::NotEnoughCredit {
            balance_cents: balance.0,
        });
    }
    Ok(Cents(asked.0.min(total.0)))
}

/// A free text (a reason "other", an approval's why) trimmed and within
/// its length; `None` when empty.
pub fn note(text: &str) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.chars().count() > MAX_RETURN_NOTE {
        return Err(AppError::TextTooLong {
            field: crate::error::TextField::Note,
            max: MAX_RETURN_NOTE as i64,
        });
    }
    Ok(Some(text.to_string()).filter(|t| !t.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOP: ReturnSite = ReturnSite {
        is_warehouse: false,
        carries_item: true,
        restocks_returns: true,
    };

    #[test]
    fn each_condition_goes_where_the_policy_says() {
        use Disposition::*;
        use ItemCondition::*;
        assert_eq!(disposition(Resellable, SHOP), Restock);
        assert_eq!(disposition(Damaged, SHOP), Quarantine);
        assert_eq!(disposition(NeedsChecking, SHOP), ToWarehouse);
        let not_carried = ReturnSite {
            carries_item: false,
            ..SHOP
        };
        assert_eq!(disposition(Resellable, not_carried), ToWarehouse);
        let sends_all = ReturnSite {
            restocks_returns: false,
            ..SHOP
        };
        assert_eq!(disposition(Resellable, sends_all), ToWarehouse);
        assert_eq!(disposition(Damaged, sends_all), Quarantine);
        let warehouse = ReturnSite {
            is_warehouse: true,
            carries_item: false,
            restocks_returns: false,
        };
        assert_eq!(disposition(Resellable, warehouse), Restock);
        assert_eq!(disposition(NeedsChecking, warehouse), Quarantine);
    }

    fn line(quantity: i64, cancelled: i64, delivered: i64, returned: i64) -> LineFacts {
        LineFacts {
            quantity,
            cancelled,
            delivered,
            returned,
            delivered_at: Some(1_780_000_000_000),
        }
    }

    const THIRTY: FamilyRule = FamilyRule {
        window_days: 30,
        final_sale: false,
    };

    #[test]
    fn what_may_come_back_is_what_was_delivered_less_what_came_back() {
        let at = 1_780_000_000_000 + DAY_MS;
        let partial = eligibility(line(3, 0, 2, 1), THIRTY, at);
        assert_eq!(partial.returnable, 1);
        assert_eq!(partial.not_delivered, 1);
        assert!(matches!(partial.verdict, Verdict::Open { .. }));
        let short = eligibility(line(3, 1, 2, 0), THIRTY, at);
        assert_eq!((short.returnable, short.not_delivered), (2, 0));
        let all_back = eligibility(line(2, 0, 2, 2), THIRTY, at);
        assert_eq!(all_back.verdict, Verdict::Nothing);
        let waiting = eligibility(line(2, 0, 0, 0), THIRTY, at);
        assert_eq!((waiting.returnable, waiting.not_delivered), (0, 2));
        assert_eq!(waiting.verdict, Verdict::Nothing);
    }

    #[test]
    fn the_window_closes_at_the_end_of_its_last_day() {
        let delivered = 1_780_000_000_000;
        let end = window_end(delivered, 30);
        assert!(end > delivered + 30 * DAY_MS - 1);
        assert!(end < delivered + 31 * DAY_MS + 2 * 60 * 60 * 1000);
        assert_eq!(shop_day_start(end + 1), end + 1);
        let facts = line(1, 0, 1, 0);
        assert_eq!(
            eligibility(facts, THIRTY, end).verdict,
            Verdict::Open { until: end }
        );
        assert_eq!(
            eligibility(facts, THIRTY, end + 1).verdict,
            Verdict::WindowClosed { closed_at: end }
        );
        let fabric = FamilyRule {
            window_days: 30,
            final_sale: true,
        };
        assert_eq!(
            eligibility(facts, fabric, delivered).verdict,
            Verdict::FinalSale
        );
    }

    #[test]
    fn refunds_in_several_returns_add_up_to_the_line_exactly() {
        // 3 units at 10,00 € with 1,00 € off the line: 29,00 € paid.
        let net = Cents(2900);
        let first = units_refund(net, 3, 0, Cents(0), 1);
        let second = units_refund(net, 3, 1, first, 1);
        let third = units_refund(net, 3, 2, Cents(first.0 + second.0), 1);
        assert_eq!(first.0 + second.0 + third.0, 2900);
        assert!(first.0 <= 967 && third.0 >= 966);
        // A fourth unit never existed: nothing more.
        assert_eq!(units_refund(net, 3, 3, net, 1), Cents(0));
        // Units refunded earlier at a rounded-down price are made up.
        assert_eq!(units_refund(net, 3, 1, Cents(966), 2), Cents(1934));
    }

    #[test]
    fn the_delivery_fee_comes_back_with_the_whole_order_or_a_defect() {
        let fee = Cents(495);
        assert_eq!(delivery_fee_refund(fee, Cents(0), false, false), Cents(0));
        assert_eq!(delivery_fee_refund(fee, Cents(0), true, false), fee);
        assert_eq!(delivery_fee_refund(fee, Cents(0), false, true), fee);
        assert_eq!(delivery_fee_refund(fee, fee, true, true), Cents(0));
    }

    #[test]
    fn an_exchange_pays_or_refunds_only_the_difference() {
        let dearer = settle(Cents(3000), Cents(4500));
        assert_eq!(
            (dearer.applied, dearer.to_pay, dearer.to_refund),
            (Cents(3000), Cents(1500), Cents(0))
        );
        let cheaper = settle(Cents(3000), Cents(2000));
        assert_eq!(
            (cheaper.applied, cheaper.to_pay, cheaper.to_refund),
            (Cents(2000), Cents(0), Cents(1000))
        );
    }

    #[test]
    fn credit_spent_is_within_the_balance_and_the_total() {
        assert_eq!(
            credit_to_spend(Cents(5000), Cents(3000), Cents(5000)),
            Ok(Cents(3000))
        );
        assert_eq!(
            credit_to_spend(Cents(1000), Cents(3000), Cents(2000)),
            Err(AppError::NotEnoughCredit {
                balance_cents: 1000
            })
        );
        assert_eq!(
            credit_to_spend(Cents(1000), Cents(3000), Cents(-1)),
            Err(AppError::CreditAmountInvalid)
        );
    }

    #[test]
    fn codes_read_back() {
        for reason in ReturnReason::ALL {
            assert_eq!(ReturnReason::from_code(reason.as_str()), Some(reason));
        }
        for condition in ItemCondition::ALL {
            assert_eq!(
                ItemCondition::from_code(condition.as_str()),
                Some(condition)
            );
        }
        assert_eq!(ReturnReason::from_code("bored"), None);
    }
}
