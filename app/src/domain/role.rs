//! Who may do what. The server checks these on every call; the UI uses the
//! same answers to hide what a role cannot do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Associate,
    Manager,
    /// A self-service device bound to one shop, used by the public.
    Kiosk,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Associate => "associate",
            Self::Manager => "manager",
            Self::Kiosk => "kiosk",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "associate" => Ok(Self::Associate),
            "manager" => Ok(Self::Manager),
            "kiosk" => Ok(Self::Kiosk),
            other => Err(format!("unknown role '{other}'")),
        }
    }

    /// Staff search: stock on hand and reserved everywhere, movement
    /// history. A kiosk sees price and availability only.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Associate | Self::Manager)
    }

    /// Receipts, adjustments, counts and transfers.
    pub fn can_move_stock(self) -> bool {
        matches!(self, Self::Manager)
    }

    /// Where a person of this role lands after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Self::Associate | Self::Manager => "/stock",
            Self::Kiosk => "/kiosk",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_managers_move_stock() {
        assert!(Role::Manager.can_move_stock());
        assert!(!Role::Associate.can_move_stock());
        assert!(!Role::Kiosk.can_move_stock());
    }

    #[test]
    fn a_kiosk_is_not_staff() {
        assert!(!Role::Kiosk.is_staff());
        assert!(Role::Associate.is_staff());
        assert_eq!(Role::Kiosk.home_path(), "/kiosk");
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Associate, Role::Manager, Role::Kiosk] {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("admin").is_err());
    }
}
