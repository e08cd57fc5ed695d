//! The tree modes' right-button menus (tmux 3.3a `mode_tree_display_menu`): the mode's own
//! items on a line (titled with the item's name), the scroll items outside the list; each
//! item sends its key to the mode as tmux's menu callback does.

use tmate_proto::KeyCode;

use super::{Kind, TreeMode};
use crate::state::State;

/// (name, key) per item; an empty name is a separator. tmux's `window_tree_menu_items`.
const TREE: &[(&str, &str)] = &[
    ("Select", "Enter"),
    ("Expand", "Right"),
    ("Mark", "m"),
    ("", ""),
    ("Tag", "t"),
    ("Tag All", "C-t"),
    ("Tag None", "T"),
    ("", ""),
    ("Kill", "x"),
    ("Kill Tagged", "X"),
    ("", ""),
    ("Cancel", "q"),
];

/// tmux's `window_buffer_menu_items`.
const BUFFER: &[(&str, &str)] = &[
    ("Paste", "p"),
    ("Paste Tagged", "P"),
    ("", ""),
    ("Tag", "t"),
    ("Tag All", "C-t"),
    ("Tag None", "T"),
    ("", ""),
    ("Delete", "d"),
    ("Delete Tagged", "D"),
    ("", ""),
    ("Cancel", "q"),
];

/// tmux's `window_client_menu_items`.
const CLIENT: &[(&str, &str)] = &[
    ("Detach", "d"),
    ("Detach Tagged", "D"),
    ("", ""),
    ("Tag", "t"),
    ("Tag All", "C-t"),
    ("Tag None", "T"),
    ("", ""),
    ("Cancel", "q"),
];

/// tmux's `window_customize_menu_items`.
const CUSTOMIZE: &[(&str, &str)] = &[
    ("Select", "Enter"),
    ("Expand", "Right"),
    ("", ""),
    ("Tag", "t"),
    ("Tag All", "C-t"),
    ("Tag None", "T"),
    ("", ""),
    ("Cancel", "q"),
];

/// tmux's `mode_tree_menu_items`, for a click outside the list.
const OUTSIDE: &[(&str, &str)] = &[
    ("Scroll Left", "<"),
    ("Scroll Right", ">"),
    ("", ""),
    ("Cancel", "q"),
];

/// The menu for a right click at (`x`, `y`) of `pane`'s mode; `outside` the list, the
/// scroll items. The menu's middle goes under the mouse.
pub(super) fn request(
    st: &State,
    mode: &TreeMode,
    pane: u32,
    (x, y): (usize, usize),
    outside: bool,
) -> crate::menu::MenuRequest {
    let items = if outside {
        OUTSIDE
    } else {
        match mode.settings.kind {
            Kind::Tree => TREE,
            Kind::Buffer => BUFFER,
            Kind::Client => CLIENT,
            Kind::Customize => CUSTOMIZE,
        }
    };
    let title = if outside {
        String::new()
    } else {
        let line = if mode.offset + y < mode.lines.len() {
            mode.offset + y
        } else {
            mode.current
        };
        let name = mode
            .lines
            .get(line)
            .and_then(|l| mode.items.get(l.item))
            .map(|i| i.name.clone())
            .unwrap_or_default();
        format!("#[align=centre]{name}")
    };
    let items = items
        .iter()
        .map(|(name, key)| crate::menu::ItemSpec {
            name: (!name.is_empty()).then(|| (*name).to_string()),
            key: KeyCode::parse(key),
            command: format!("send-keys -t %{pane} {key}"),
        })
        .collect();
    let (sid, idx, _) = mode.origin;
    let choice_style = tmate_term::parse_style_over(
        &st.option(sid, idx, "mode-style"),
        tmate_term::Style::default(),
        tmate_term::Style::default(),
    )
    .unwrap_or_default();
    crate::menu::MenuRequest {
        title,
        items,
        // Placed at the click (`at`), not by -x/-y.
        place: crate::menu::Placement::default(),
        pane,
        mouse: None,
        stay_open: false,
        choice_style,
        at: Some((x, y)),
        completion: false,
        open: None,
        tree_click: true,
        popup: false,
    }
}
