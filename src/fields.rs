//! The member attributes that both the directory file and the snapshot speak of.
//!
//! The directory model (builder side) and the snapshot reader (everywhere, including the
//! browser) describe a member with the same vocabulary; it lives here so that neither depends on
//! the other and the browser build needs no JSON machinery.

use serde::{Deserialize, Serialize};

/// `gender`: "0" unknown, "1" male, "2" female, written as strings like WeChat Work does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// Not given (`"0"`).
    #[default]
    #[serde(rename = "0")]
    Unknown,
    /// 男 (`"1"`).
    #[serde(rename = "1")]
    Male,
    /// 女 (`"2"`).
    #[serde(rename = "2")]
    Female,
}

impl Gender {
    /// The directory file's code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Gender::Unknown => 0,
            Gender::Male => 1,
            Gender::Female => 2,
        }
    }

    /// The gender a code stands for, if it stands for one.
    pub fn from_code(code: u8) -> Option<Gender> {
        match code {
            0 => Some(Gender::Unknown),
            1 => Some(Gender::Male),
            2 => Some(Gender::Female),
            _ => None,
        }
    }

    /// Whether the gender is not given (serialisers leave it out then).
    pub fn is_unknown(&self) -> bool {
        *self == Gender::Unknown
    }
}

/// The optional text fields of a member, in the order the snapshot stores them.
///
/// Each can be hidden from other members by the field policy; the snapshot records which are
/// present in one bit per field, so an absent field costs nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextField {
    /// 别名: a nickname or English name (`alias`).
    Alias,
    /// 职务 (`position`).
    Position,
    /// 手机 (`mobile`).
    Mobile,
    /// 邮箱 (`email`).
    Email,
    /// 座机: the work telephone (`telephone`).
    Telephone,
    /// 微信号 (`weixin_id`).
    WeixinId,
    /// 生日, `YYYY-MM-DD` (`birthday`).
    Birthday,
    /// 入职日期, `YYYY-MM-DD` (`hire_date`).
    HireDate,
}

impl TextField {
    /// Every text field, in storage order (the bit of field `i` is `1 << i`).
    pub const ALL: [TextField; 8] = [
        TextField::Alias,
        TextField::Position,
        TextField::Mobile,
        TextField::Email,
        TextField::Telephone,
        TextField::WeixinId,
        TextField::Birthday,
        TextField::HireDate,
    ];

    /// The key the directory file uses for the field.
    pub fn key(self) -> &'static str {
        match self {
            TextField::Alias => "alias",
            TextField::Position => "position",
            TextField::Mobile => "mobile",
            TextField::Email => "email",
            TextField::Telephone => "telephone",
            TextField::WeixinId => "weixin_id",
            TextField::Birthday => "birthday",
            TextField::HireDate => "hire_date",
        }
    }

    /// The field's bit in a presence mask.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}
