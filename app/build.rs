//! Generates the `i18n` module from `locales/fr.json` (the default: every
//! key starts there) and `locales/en.json`. A key or variable used in the
//! code but missing from French fails the build; a key missing from English
//! is caught by the test `i18n::tests::both_languages_have_the_same_keys`.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR for build scripts")?;
    // `interpolate_display`: texts with variables also as plain strings, for
    // attributes (labels, titles) and messages built outside a view.
    let config = Config::new("fr")?
        .add_locale("en")?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(PathBuf::from(out_dir).join("i18n"))?;
    Ok(())
}
