use super::language::LanguageSwitch;
use crate::context::use_user;
use crate::domain::Role;
use crate::i18n::{Locale, td_string};
use crate::translate::use_locale;
use leptos::prelude::*;

/// The bar at the top: who is signed in, where, the language, and the way
/// out. The kiosk gets a large language switch instead of staff links.
#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let user = use_user().0;
    view! {
        <header class="top-bar">
            <a class="brand" href="/">{td_string!(locale, app.name)}</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    user.map(|user| {
                        let is_staff = user.role.is_staff();
                        let is_kiosk = user.role == Role::Kiosk;
                        let is_manager = user.role == Role::Manager;
                        let (shop, role) = (user.location_name.clone(), user.role);
                        let where_and_role =
                            td_string!(locale, header.where_and_role, shop = shop, role = role_label(locale, role))
                                .to_string();
                        view! {
                            {is_staff.then(|| view! {
                                <nav aria-label=td_string!(locale, header.nav_label)>
                                    <a href="/stock">{td_string!(locale, header.nav_stock)}</a>
                                    <a href="/customers">{td_string!(locale, header.nav_customers)}</a>
                                    <a href="/basket">{td_string!(locale, header.nav_basket)}</a>
                                    <a href="/pickups">{td_string!(locale, header.nav_pickups)}</a>
                                    <a href="/returns">{td_string!(locale, header.nav_returns)}</a>
                                    {is_manager.then(|| view! {
                                        <a href="/returns/board">{td_string!(locale, header.nav_returns_board)}</a>
                                        <a href="/access-log">{td_string!(locale, header.nav_access_log)}</a>
                                    })}
                                </nav>
                            })}
                            <span class="who">
                                <span class="who-name">{user.display_name.clone()}</span>
                                <span class="who-shop">{where_and_role}</span>
                            </span>
                            <LanguageSwitch large=is_kiosk/>
                            {(!is_kiosk).then(|| view! {
                                <form method="post" action="/auth/logout" class="sign-out">
                                    <button type="submit">{td_string!(locale, header.sign_out)}</button>
                                </form>
                            })}
                        }
                    })
                })}
            </Transition>
        </header>
    }
}

fn role_label(locale: Locale, role: Role) -> String {
    match role {
        Role::Associate => td_string!(locale, role.associate),
        Role::Manager => td_string!(locale, role.manager),
        Role::Kiosk => td_string!(locale, role.kiosk),
    }
    .to_string()
}
