//! A customer's contact details, parsed once at the edge: e-mail, French
//! phone, postcode, loyalty card; how they are masked in lists; and what a
//! customer search box received.

use super::Ean13;
use super::search::{fold, words_of};
use serde::{Deserialize, Serialize};

/// Why a contact detail was refused (worded by `AppError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactError {
    Email,
    Phone,
    Postcode,
    Card,
}

/// An e-mail address, trimmed and in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// A plausible address: one `@`, something before it, a domain with a
    /// dot after it, no spaces, at most 254 characters. Whether it really
    /// receives mail only a message can tell.
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let text = raw.trim().to_lowercase();
        let Some((local, domain)) = text.split_once('@') else {
            return Err(ContactError::Email);
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c == ',');
        if text.len() > 254 || !domain_ok || !local_ok {
            return Err(ContactError::Email);
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A French phone number, kept as `+33` and nine digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Takes the usual ways of writing one: `06 12 34 56 78`,
    /// `0612345678`, `06.12.34.56.78`, `+33 6 12 34 56 78`, `0033 6...`.
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let national = national_digits(raw).ok_or(ContactError::Phone)?;
        let valid =
            national.len() == 10 && national.starts_with('0') && national.as_bytes()[1] != b'0';
        if !valid {
            return Err(ContactError::Phone);
        }
        Ok(Self(format!("+33{}", &national[1..])))
    }

    /// The stored form, `+33612345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As a French person writes it: `06 12 34 56 78`.
    pub fn national(&self) -> String {
        format_national(&self.0)
    }
}

/// `+33612345678` as `06 12 34 56 78` (anything else as it is).
pub fn format_national(stored: &str) -> String {
    match stored.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 => {
            let digits = format!("0{rest}");
            digits
                .as_bytes()
                .chunks(2)
                .map(|pair| String::from_utf8_lossy(pair).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => stored.to_string(),
    }
}

/// The digits of a phone as dialled inside France (`0612345678`), from any
/// usual writing; `None` when it holds anything but digits, spaces, dots,
/// dashes, brackets and a leading `+`.
fn national_digits(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'))
    {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if international {
        // +33 6..., and +33 (0)6... as some write it.
        let after = digits.strip_prefix("33")?;
        let after = after.strip_prefix('0').unwrap_or(after);
        return Some(format!("0{after}"));
    }
    if let Some(after) = digits.strip_prefix("0033") {
        return Some(format!("0{}", after.strip_prefix('0').unwrap_or(after)));
    }
    Some(digits)
}

/// A French postcode: five digits, from 01000 to 98999.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let text: String = raw.trim().chars().filter(|c| *c != ' ').collect();
        let valid = text.len() == 5
            && text.bytes().all(|b| b.is_ascii_digit())
            && ("01000".."99000").contains(&text.as_str());
        if valid {
            Ok(Self(text))
        } else {
            Err(ContactError::Postcode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The chain's loyalty cards carry an EAN-13 in the range kept for a
/// company's own numbers: `299` and nine digits of the card, then the check
/// digit.
pub const CARD_PREFIX: &str = "299";

/// The card number of the chain's `n`-th card.
pub fn card_number(n: u64) -> Ean13 {
    Ean13::from_twelve(299_000_000_000 + n % 1_000_000_000)
}

/// A card as typed or scanned: a valid EAN-13 of the chain's range.
pub fn parse_card(raw: &str) -> Result<Ean13, ContactError> {
    let ean = Ean13::parse(raw).map_err(|_| ContactError::Card)?;
    if ean.as_str().starts_with(CARD_PREFIX) {
        Ok(ean)
    } else {
        Err(ContactError::Card)
    }
}

/// `camille.martin@gmail.com` as `c•••@gmail.com`: enough to recognise,
/// not enough to write to.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_string(),
    }
}

/// `+33612345678` as `•• •• •• 56 78`: the last four digits only.
pub fn mask_phone(stored: &str) -> String {
    let digits: Vec<char> = stored.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return "•• •• •• •• ••".to_string();
    }
    let tail = &digits[digits.len() - 4..];
    format!("•• •• •• {}{} {}{}", tail[0], tail[1], tail[2], tail[3])
}

/// Which marketing messages a customer agreed to receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentChannel {
    Email,
    Sms,
}

impl ConsentChannel {
    pub const ALL: [ConsentChannel; 2] = [Self::Email, Self::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoyaltyTier {
    Member,
    Silver,
    Gold,
}

impl LoyaltyTier {
    pub const ALL: [LoyaltyTier; 3] = [Self::Member, Self::Silver, Self::Gold];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Silver => "silver",
            Self::Gold => "gold",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == code)
    }

    /// The tier a year's spend earns: silver from 300 €, gold from 1,000 €.
    pub fn for_spend(cents: i64) -> Self {
        match cents {
            c if c >= 100_000 => Self::Gold,
            c if c >= 30_000 => Self::Silver,
            _ => Self::Member,
        }
    }
}

/// At most this many words of a name are matched.
pub const MAX_NAME_WORDS: usize = 4;

/// What the customer search box received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerQuery {
    /// Too short to search.
    Empty,
    /// A whole loyalty card number (typed, or scanned: 13 digits and Enter).
    Card(String),
    /// The start of a phone number, as national digits (`061234`).
    Phone(String),
    /// The start of an e-mail address, in lower case.
    Email(String),
    /// An order reference (`WEB-0001234`), in upper case.
    OrderReference(String),
    /// Starts of words of a name, folded, in any order.
    Name(Vec<String>),
}

impl CustomerQuery {
    pub fn parse(raw: &str) -> Self {
        let trimmed = raw.trim();
        if trimmed.chars().count() < 2 {
            return Self::Empty;
        }
        if let Ok(card) = parse_card(trimmed) {
            return Self::Card(card.as_str().to_string());
        }
        if trimmed.contains('@') {
            return Self::Email(trimmed.to_lowercase());
        }
        if let Some(digits) = national_digits(trimmed)
            && digits.len() >= 2
        {
            // Digits that do not start like a phone are the start of a card.
            return if digits.starts_with('0') {
                Self::Phone(digits)
            } else {
                Self::Card(digits)
            };
        }
        if is_order_reference(trimmed) {
            return Self::OrderReference(trimmed.to_uppercase());
        }
        if looks_like_email_start(trimmed) {
            return Self::Email(trimmed.to_lowercase());
        }
        let folded = fold(trimmed);
        let mut words: Vec<String> = Vec::new();
        for word in words_of(&folded) {
            if words.len() < MAX_NAME_WORDS && !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
        // The longest word first: it narrows the search most.
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        if words.is_empty() {
            Self::Empty
        } else {
            Self::Name(words)
        }
    }
}

/// One word with letters and a dot, an underscore, a plus or a digit
/// (`camille.martin`, `cmartin75`): the start of an e-mail address before
/// its `@` is typed. Names hold none of these, and searching such a word
/// among names would find nobody.
fn looks_like_email_start(text: &str) -> bool {
    !text.contains(char::is_whitespace)
        && text.contains(char::is_alphabetic)
        && text.contains(|c: char| c.is_ascii_digit() || matches!(c, '.' | '_' | '+'))
}

/// Letters, a dash, then digits: `WEB-0001234`, `kiosk-12`.
fn is_order_reference(text: &str) -> bool {
    let Some((letters, digits)) = text.split_once('-') else {
        return false;
    };
    (2..=8).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// The kinds of search term (`customer_terms.term` starts with one).
pub mod term {
    pub const NAME: &str = "n:";
    pub const EMAIL: &str = "e:";
    pub const PHONE: &str = "p:";
    pub const CARD: &str = "c:";
}

/// Every term a customer is found by: each word of their names, their
/// e-mail, their phone's national digits, their card.
pub fn search_terms(
    first_name: &str,
    last_name: &str,
    email: &str,
    phone: &str,
    card: Option<&str>,
) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let names = fold(&format!("{first_name} {last_name}"));
    for word in words_of(&names) {
        let term = format!("{}{word}", term::NAME);
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    if !email.is_empty() {
        terms.push(format!("{}{}", term::EMAIL, email.to_lowercase()));
    }
    if let Some(national) = national_digits(phone).filter(|d| d.len() > 1) {
        terms.push(format!("{}{national}", term::PHONE));
    }
    if let Some(card) = card.filter(|c| !c.is_empty()) {
        terms.push(format!("{}{card}", term::CARD));
    }
    terms
}

/// The end of the range of terms that start with `prefix`: the prefix with
/// its last byte raised by one (terms are compared byte by byte). Every
/// term a search builds ends in printable ASCII or a letter, so the last
/// character can be raised as a character.
pub fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    match chars.pop() {
        Some(last) => {
            let next = char::from_u32(last as u32 + 1).unwrap_or(char::MAX);
            chars.push(next);
            chars.into_iter().collect()
        }
        None => String::from(char::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_usual_form_are_one_number() {
        for typed in [
            "06 12 34 56 78",
            "0612345678",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "+33 6 12 34 56 78",
            "+33612345678",
            "+33 (0)6 12 34 56 78",
            "0033 6 12 34 56 78",
        ] {
            let phone = Phone::parse(typed).unwrap_or_else(|_| panic!("{typed} is a phone"));
            assert_eq!(phone.as_str(), "+33612345678", "{typed}");
            assert_eq!(phone.national(), "06 12 34 56 78");
        }
    }

    #[test]
    fn what_is_not_a_french_phone_is_refused() {
        for typed in [
            "",
            "06 12 34",
            "6612345678",
            "0012345678",
            "06 12 34 56 78 9",
            "06 abc",
            "+44 20 7946 0958",
        ] {
            assert_eq!(Phone::parse(typed), Err(ContactError::Phone), "{typed}");
        }
    }

    #[test]
    fn emails_are_trimmed_lowered_and_checked() {
        assert_eq!(
            Email::parse("  Camille.Martin@Example.COM ").map(|e| e.as_str().to_string()),
            Ok("camille.martin@example.com".to_string())
        );
        for bad in [
            "",
            "camille",
            "camille@",
            "@example.com",
            "camille@example",
            "ca mille@example.com",
            "c@example..com",
            "c@.example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(ContactError::Email), "{bad}");
        }
    }

    #[test]
    fn postcodes_are_five_french_digits() {
        assert!(Postcode::parse("75001").is_ok());
        assert!(Postcode::parse("20 000").is_ok());
        assert!(Postcode::parse("97400").is_ok());
        for bad in ["", "7500", "750011", "00100", "99000", "7500A"] {
            assert_eq!(Postcode::parse(bad), Err(ContactError::Postcode), "{bad}");
        }
    }

    #[test]
    fn cards_are_valid_codes_of_the_chain() {
        let card = card_number(42);
        assert!(card.as_str().starts_with(CARD_PREFIX));
        assert_eq!(parse_card(card.as_str()), Ok(card.clone()));
        // A product's EAN is not a card, nor is a wrong check digit.
        assert_eq!(parse_card("3760000000017"), Err(ContactError::Card));
        let mut wrong = card.as_str().to_string();
        let last = wrong.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
        wrong.push(char::from_digit((last + 1) % 10, 10).unwrap_or('0'));
        assert_eq!(parse_card(&wrong), Err(ContactError::Card));
    }

    #[test]
    fn lists_show_contacts_masked() {
        assert_eq!(mask_email("camille.martin@gmail.com"), "c•••@gmail.com");
        assert_eq!(mask_phone("+33612345678"), "•• •• •• 56 78");
        assert_eq!(mask_phone(""), "•• •• •• •• ••");
    }

    #[test]
    fn the_search_box_tells_what_was_typed() {
        use CustomerQuery as Q;
        let card = card_number(7);
        assert_eq!(Q::parse(card.as_str()), Q::Card(card.as_str().to_string()));
        assert_eq!(Q::parse("2990000"), Q::Card("2990000".into()));
        assert_eq!(Q::parse("06 12 34"), Q::Phone("061234".into()));
        assert_eq!(Q::parse("+33 6 12"), Q::Phone("0612".into()));
        assert_eq!(Q::parse("Camille.M@"), Q::Email("camille.m@".into()));
        assert_eq!(Q::parse("camille.mar"), Q::Email("camille.mar".into()));
        assert_eq!(Q::parse("cmartin75"), Q::Email("cmartin75".into()));
        assert_eq!(
            Q::parse("Jean-Éric M"),
            Q::Name(vec!["jean".into(), "eric".into(), "m".into()])
        );
        assert_eq!(
            Q::parse("web-0001234"),
            Q::OrderReference("WEB-0001234".into())
        );
        assert_eq!(
            Q::parse("Cam Lefèvre"),
            Q::Name(vec!["lefevre".into(), "cam".into()])
        );
        assert_eq!(Q::parse("é"), Q::Empty);
        assert_eq!(Q::parse("  "), Q::Empty);
    }

    #[test]
    fn a_customer_is_found_by_each_name_word_email_phone_and_card() {
        let terms = search_terms(
            "Jean-Éric",
            "Lefèvre",
            "JE.Lefevre@example.com",
            "+33612345678",
            Some("2990000000071"),
        );
        assert_eq!(
            terms,
            vec![
                "n:jean",
                "n:eric",
                "n:lefevre",
                "e:je.lefevre@example.com",
                "p:0612345678",
                "c:2990000000071"
            ]
        );
    }

    #[test]
    fn a_prefix_range_ends_just_after_the_prefix() {
        assert_eq!(prefix_end("n:mar"), "n:mas");
        assert_eq!(prefix_end("p:06"), "p:07");
        assert!("n:martin" < prefix_end("n:mar").as_str());
        assert!("n:mas" >= prefix_end("n:mar").as_str());
    }

    #[test]
    fn tiers_follow_spend() {
        assert_eq!(LoyaltyTier::for_spend(0), LoyaltyTier::Member);
        assert_eq!(LoyaltyTier::for_spend(30_000), LoyaltyTier::Silver);
        assert_eq!(LoyaltyTier::for_spend(150_000), LoyaltyTier::Gold);
    }
}
