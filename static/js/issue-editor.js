// The issue editor's own extension (newsletters/editor.py adds it to each editor's config).
//
// Tiptap injects its base styles in a <style> element, which the site's Content Security
// Policy refuses (style-src 'self'): the same rules are in css/admin.css, so it injects none.
// The editable element replaces the <textarea> the field's <label> names, so it is given a
// textbox role and that label's name (a screen reader would announce an unnamed region).
// Menu buttons that do nothing where the cursor is (undo with nothing to undo, a link with no
// text chosen) are shown faded by a class: they also say so (aria-disabled), to assistive
// technology and to contrast checks, which rightly leave unavailable controls alone.
import { Extension, Plugin } from "django-prose-editor/editor"

export const AdminEditor = Extension.create({
  name: "adminEditor",

  onBeforeCreate({ editor }) {
    editor.options.injectCSS = false
  },

  onCreate() {
    const wrapper = this.editor.options.element
    const mark = () => {
      for (const button of wrapper.querySelectorAll(".prose-menubar__button")) {
        const off = button.classList.contains("disabled") && !button.classList.contains("active")
        button.setAttribute("aria-disabled", String(off))
      }
    }
    new MutationObserver(mark).observe(wrapper, {
      subtree: true,
      attributes: true,
      attributeFilter: ["class"],
    })
    mark()
  },

  addProseMirrorPlugins() {
    const wrapper = this.editor.options.element
    const textarea = wrapper && wrapper.querySelector("textarea")
    const label = textarea && textarea.id &&
      document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`)
    if (!label) return []
    if (!label.id) label.id = `${textarea.id}-label`
    // The label points at the hidden textarea: clicking it reaches the editor instead.
    label.addEventListener("click", () => this.editor.commands.focus())
    return [
      new Plugin({
        props: {
          attributes: { role: "textbox", "aria-multiline": "true", "aria-labelledby": label.id },
        },
      }),
    ]
  },
})
