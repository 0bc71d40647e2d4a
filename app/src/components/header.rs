use super::language::LanguageSwitch;
use crate::context::use_user;
use crate::domain::Role;
use crate::i18n::{Locale, t_string, use_i18n};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The bar at the top: who is signed in, where, the language, and the way
/// out. The kiosk gets a large language switch instead of staff links.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user().0;
    view! {
        <header class="top-bar">
            <a class="brand" href="/">{move || t_string!(i18n, app.name)}</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    user.map(|user| {
                        let is_staff = user.role.is_staff();
                        let is_kiosk = user.role == Role::Kiosk;
                        let (shop, role) = (user.location_name.clone(), user.role);
                        let where_and_role = move || {
                            t_string!(i18n, header.where_and_role, shop = shop.clone(), role = role_label(i18n, role))
                                .to_string()
                        };
                        view! {
                            {is_staff.then(|| view! {
                                <nav aria-label=move || t_string!(i18n, header.nav_label)>
                                    <a href="/stock">{move || t_string!(i18n, header.nav_stock)}</a>
                                </nav>
                            })}
                            <span class="who">
                                <span class="who-name">{user.display_name.clone()}</span>
                                <span class="who-shop">{where_and_role}</span>
                            </span>
                            <LanguageSwitch large=is_kiosk/>
                            {(!is_kiosk).then(|| view! {
                                <form method="post" action="/auth/logout" class="sign-out">
                                    <button type="submit">{move || t_string!(i18n, header.sign_out)}</button>
                                </form>
                            })}
                        }
                    })
                })}
            </Transition>
        </header>
    }
}

fn role_label(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Associate => t_string!(i18n, role.associate),
        Role::Manager => t_string!(i18n, role.manager),
        Role::Kiosk => t_string!(i18n, role.kiosk),
    }
    .to_string()
}
