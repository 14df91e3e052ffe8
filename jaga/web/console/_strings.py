"""The console's words in English and Bahasa Indonesia, added to the one shared catalogue at import."""

from __future__ import annotations

from jaga.web._common import add_strings

STRINGS: dict[str, dict[str, str]] = {
    "console.title": {"en": "Staff console", "id": "Konsol staf"},
    "console.nav.queue": {"en": "Requests", "id": "Permintaan"},
    "console.nav.subjects": {"en": "Consent history", "id": "Riwayat persetujuan"},
    "console.nav.audit": {"en": "Audit chain", "id": "Rantai audit"},
    "console.nav.users": {"en": "Staff accounts", "id": "Akun staf"},
    "console.signed_in_as": {"en": "Signed in as {email} ({role})", "id": "Masuk sebagai {email} ({role})"},
    "console.logout": {"en": "Sign out", "id": "Keluar"},
    "console.footer": {
        "en": "Every action here is recorded in the audit chain.",
        "id": "Setiap tindakan di sini dicatat dalam rantai audit.",
    },
    # login
    "console.login.title": {"en": "Staff sign-in", "id": "Masuk staf"},
    "console.login.email": {"en": "Work email", "id": "Email kantor"},
    "console.login.password": {"en": "Password", "id": "Kata sandi"},
    "console.login.submit": {"en": "Sign in", "id": "Masuk"},
    "console.login.failed": {
        "en": "Email or password is wrong, or sign-in is paused after repeated failures. Try again later.",
        "id": "Email atau kata sandi salah, atau masuk dijeda setelah gagal berulang kali. Coba lagi nanti.",
    },
    "console.login.expired": {
        "en": "Please sign in (your session ended or you are not signed in).",
        "id": "Silakan masuk (sesi Anda berakhir atau Anda belum masuk).",
    },
    "console.logged_out": {"en": "You are signed out.", "id": "Anda sudah keluar."},
    "console.forbidden": {
        "en": "Your role ({role}) may not do this. Ask the DPO or an admin.",
        "id": "Peran Anda ({role}) tidak boleh melakukan ini. Mintalah kepada DPO atau admin.",
    },
    "console.bad_filter": {
        "en": "Unknown filter value “{value}”.",
        "id": "Nilai saringan “{value}” tidak dikenal.",
    },
    # queue
    "console.queue.title": {"en": "Requests", "id": "Permintaan"},
    "console.queue.status": {"en": "Status", "id": "Status"},
    "console.queue.right": {"en": "Right", "id": "Hak"},
    "console.queue.open": {"en": "all open", "id": "semua yang terbuka"},
    "console.queue.all": {"en": "all, closed included", "id": "semua, termasuk yang ditutup"},
    "console.queue.any": {"en": "any", "id": "apa saja"},
    "console.queue.overdue": {"en": "Only overdue", "id": "Hanya yang terlambat"},
    "console.queue.filter": {"en": "Filter", "id": "Saring"},
    "console.queue.empty": {"en": "No request matches.", "id": "Tidak ada permintaan yang cocok."},
    "console.queue.count": {
        "en": "{count} request(s), {overdue} overdue",
        "id": "{count} permintaan, {overdue} terlambat",
    },
    "console.col.request": {"en": "Request", "id": "Permintaan"},
    "console.col.received": {"en": "Received", "id": "Diterima"},
    "console.col.due": {"en": "Deadline", "id": "Tenggat"},
    "console.col.left": {"en": "Time left", "id": "Sisa waktu"},
    "console.col.regime": {"en": "Law", "id": "Hukum"},
    "console.left.paused": {"en": "clock paused", "id": "jam dihentikan"},
    "console.left.closed": {"en": "closed", "id": "ditutup"},
    "console.left.overdue": {"en": "overdue by {time}", "id": "terlambat {time}"},
    "console.left.left": {"en": "{time} left", "id": "sisa {time}"},
    # request page
    "console.request.title": {"en": "Request {id}", "id": "Permintaan {id}"},
    "console.request.identity": {"en": "Identity", "id": "Identitas"},
    "console.request.identity_value": {
        "en": "{kind}, key {hash}… (the address itself is sealed)",
        "id": "{kind}, kunci {hash}… (alamatnya sendiri disegel)",
    },
    "console.request.language": {"en": "Language", "id": "Bahasa"},
    "console.request.verified": {"en": "Identity verified", "id": "Identitas terverifikasi"},
    "console.request.not_verified": {"en": "not yet", "id": "belum"},
    "console.request.extended": {"en": "Extended", "id": "Diperpanjang"},
    "console.request.fields": {"en": "Fields to change", "id": "Isian yang diubah"},
    "console.request.outcome": {"en": "Outcome", "id": "Hasil"},
    "console.request.overdue": {"en": "OVERDUE", "id": "TERLAMBAT"},
    "console.timeline": {"en": "Timeline", "id": "Linimasa"},
    "console.timeline.when": {"en": "When", "id": "Kapan"},
    "console.timeline.change": {"en": "Change", "id": "Perubahan"},
    "console.timeline.who": {"en": "Who", "id": "Siapa"},
    "console.timeline.why": {"en": "Why", "id": "Alasan"},
    "console.plan": {"en": "Dry-run plan", "id": "Rencana uji coba"},
    "console.plan.explain": {
        "en": "What running this request would do on the company's databases. Nothing has changed yet.",
        "id": "Apa yang akan dilakukan permintaan ini pada basis data perusahaan. Belum ada yang berubah.",
    },
    "console.plan.unverified": {
        "en": "The plan is shown once the person's identity is verified.",
        "id": "Rencana ditampilkan setelah identitas orang tersebut diverifikasi.",
    },
    "console.plan.closed": {
        "en": "The request is closed; its timeline below says what was done.",
        "id": "Permintaan sudah ditutup; linimasa di bawah menjelaskan apa yang dilakukan.",
    },
    "console.plan.none": {
        "en": "This right does not touch the company's databases: it writes to the ledger or sends the notice.",
        "id": "Hak ini tidak menyentuh basis data perusahaan: dicatat di ledger atau dikirim pemberitahuan.",
    },
    "console.plan.unavailable": {
        "en": "No plan: {reason}",
        "id": "Tidak ada rencana: {reason}",
    },
    "console.actions": {"en": "Actions", "id": "Tindakan"},
    "console.actions.none": {
        "en": "Nothing you can do on this request now.",
        "id": "Tidak ada yang dapat Anda lakukan pada permintaan ini sekarang.",
    },
    "console.action.approve": {"en": "Approve and run", "id": "Setujui dan jalankan"},
    "console.action.approve.help": {
        "en": "Runs the plan above now. Erasure cannot be undone.",
        "id": "Menjalankan rencana di atas sekarang. Penghapusan tidak dapat dibatalkan.",
    },
    "console.action.run": {"en": "Run", "id": "Jalankan"},
    "console.action.run.help": {
        "en": "Carries out the request now and tells the person.",
        "id": "Melaksanakan permintaan sekarang dan memberi tahu orang tersebut.",
    },
    "console.action.start": {"en": "Start work", "id": "Mulai kerjakan"},
    "console.action.verify": {"en": "Mark identity verified", "id": "Tandai identitas terverifikasi"},
    "console.action.verify.note": {"en": "How it was verified", "id": "Cara verifikasi"},
    "console.action.verify.hint": {"en": "e.g. KTP seen in person", "id": "mis. KTP dilihat langsung"},
    "console.action.wait": {"en": "Ask the person", "id": "Tanya orang tersebut"},
    "console.action.wait.reason": {"en": "What is needed", "id": "Apa yang dibutuhkan"},
    "console.action.resume": {"en": "The person answered: resume", "id": "Orang tersebut menjawab: lanjutkan"},
    "console.action.extend": {"en": "Extend the deadline", "id": "Perpanjang tenggat"},
    "console.action.extend.help": {
        "en": "Allowed once, by {article}; the person is told the reason.",
        "id": "Boleh sekali, menurut {article}; orang tersebut diberi tahu alasannya.",
    },
    "console.action.refuse": {"en": "Refuse", "id": "Tolak"},
    "console.action.refuse.help": {
        "en": "The person is told the reason and the article.",
        "id": "Orang tersebut diberi tahu alasan dan pasalnya.",
    },
    "console.field.reason": {"en": "Reason", "id": "Alasan"},
    "console.field.article": {"en": "Article that allows it", "id": "Pasal yang mengizinkan"},
    "console.field.article.hint": {
        "en": "e.g. GDPR art. 12(5) or UU PDP art. 15(1)",
        "id": "mis. GDPR art. 12(5) atau UU PDP pasal 15(1)",
    },
    "console.done.approve": {
        "en": "Done: the request was carried out.",
        "id": "Selesai: permintaan telah dilaksanakan.",
    },
    "console.done.pending": {
        "en": "Started: the request is being carried out.",
        "id": "Dimulai: permintaan sedang dilaksanakan.",
    },
    "console.done.start": {"en": "Work started.", "id": "Pekerjaan dimulai."},
    "console.done.verify": {"en": "Identity marked verified.", "id": "Identitas ditandai terverifikasi."},
    "console.done.wait": {"en": "The person was asked.", "id": "Orang tersebut telah ditanya."},
    "console.done.resume": {"en": "Work resumed.", "id": "Pekerjaan dilanjutkan."},
    "console.done.extend": {
        "en": "Deadline extended; the person was told.",
        "id": "Tenggat diperpanjang; orang tersebut diberi tahu.",
    },
    "console.done.refuse": {
        "en": "Request refused; the person was told.",
        "id": "Permintaan ditolak; orang tersebut diberi tahu.",
    },
    "console.failed": {"en": "Not done: {message}", "id": "Tidak dilakukan: {message}"},
    "console.no_handler": {
        "en": "no handler is set up for this right in this installation",
        "id": "tidak ada penangan untuk hak ini di instalasi ini",
    },
    # subjects
    "console.subjects.title": {"en": "A person's consent history", "id": "Riwayat persetujuan seseorang"},
    "console.subjects.explain": {
        "en": "Look a person up by email or phone. jaga stores only a keyed hash; the lookup is audited.",
        "id": "Cari seseorang dengan email atau telepon. jaga hanya menyimpan hash berkunci; pencarian ini diaudit.",
    },
    "console.subjects.kind": {"en": "Identity type", "id": "Jenis identitas"},
    "console.subjects.value": {"en": "Email or phone", "id": "Email atau telepon"},
    "console.subjects.search": {"en": "Look up", "id": "Cari"},
    "console.subjects.none": {
        "en": "No one with this identity is in the ledger.",
        "id": "Tidak ada orang dengan identitas ini di ledger.",
    },
    "console.subjects.invalid": {"en": "Not a valid {kind}.", "id": "{kind} tidak sah."},
    "console.subjects.state": {"en": "Current state", "id": "Keadaan saat ini"},
    "console.subjects.purpose": {"en": "Purpose", "id": "Tujuan"},
    "console.subjects.consent": {"en": "Consent", "id": "Persetujuan"},
    "console.subjects.events": {"en": "Events", "id": "Peristiwa"},
    "console.subjects.event": {"en": "Event", "id": "Peristiwa"},
    "console.subjects.channel": {"en": "Channel", "id": "Saluran"},
    "console.subjects.marketing_objected": {"en": "Objected to direct marketing", "id": "Menolak pemasaran langsung"},
    "console.subjects.restricted": {"en": "Processing restricted", "id": "Pemrosesan dibatasi"},
    "console.subjects.requests": {"en": "This person's requests", "id": "Permintaan orang ini"},
    "console.yes": {"en": "yes", "id": "ya"},
    "console.no": {"en": "no", "id": "tidak"},
    # audit
    "console.audit.title": {"en": "Audit chain", "id": "Rantai audit"},
    "console.audit.ok": {
        "en": "Intact: {count} entries checked, every hash links to the one before and the chain ends at its head.",
        "id": "Utuh: {count} entri diperiksa, setiap hash terhubung ke sebelumnya dan rantai berakhir di kepalanya.",
    },
    "console.audit.bad": {
        "en": "BROKEN at entry {seq}: {problem}",
        "id": "RUSAK pada entri {seq}: {problem}",
    },
    "console.audit.head": {"en": "Head hash", "id": "Hash kepala"},
    "console.audit.recent": {"en": "Latest entries", "id": "Entri terbaru"},
    "console.audit.kind": {"en": "Kind", "id": "Jenis"},
    # users
    "console.nav.keys": {"en": "API keys", "id": "Kunci API"},
    "console.keys.title": {"en": "API keys", "id": "Kunci API"},
    "console.keys.intro": {
        "en": "Keys let other systems call the API. A revoked key stops writing at once and reading within a "
        "second. Every change is recorded in the audit chain.",
        "id": "Kunci memungkinkan sistem lain memanggil API. Kunci yang dicabut langsung berhenti menulis dan "
        "berhenti membaca dalam satu detik. Setiap perubahan dicatat dalam rantai audit.",
    },
    "console.keys.id": {"en": "Id", "id": "Id"},
    "console.keys.prefix": {"en": "Key", "id": "Kunci"},
    "console.keys.name": {"en": "Name", "id": "Nama"},
    "console.keys.created": {"en": "Created", "id": "Dibuat"},
    "console.keys.revoked_at": {"en": "revoked {at} UTC", "id": "dicabut {at} UTC"},
    "console.keys.add": {"en": "Create a key", "id": "Buat kunci"},
    "console.keys.revoke": {"en": "Revoke", "id": "Cabut"},
    "console.keys.rotate": {"en": "Replace", "id": "Ganti"},
    "console.keys.once": {
        "en": "The new key is {secret}. Store it now: it is shown only this once.",
        "id": "Kunci baru adalah {secret}. Simpan sekarang: kunci hanya ditampilkan sekali ini.",
    },
    "console.keys.revoked": {"en": "The key is revoked.", "id": "Kunci sudah dicabut."},
    "console.users.title": {"en": "Staff accounts", "id": "Akun staf"},
    "console.users.role": {"en": "Role", "id": "Peran"},
    "console.users.state": {"en": "State", "id": "Keadaan"},
    "console.users.disabled": {"en": "disabled", "id": "dinonaktifkan"},
    "console.users.locked": {"en": "locked", "id": "terkunci"},
    "console.users.active": {"en": "active", "id": "aktif"},
    "console.users.add": {"en": "Add an account", "id": "Tambah akun"},
    "console.users.disable": {"en": "Disable", "id": "Nonaktifkan"},
    "console.users.enable": {"en": "Enable", "id": "Aktifkan"},
    "console.users.reset": {"en": "New password", "id": "Kata sandi baru"},
    "console.users.password_once": {
        "en": "Password for {email}: {password} — give it to them now; it is not shown again.",
        "id": "Kata sandi untuk {email}: {password} — berikan sekarang; tidak ditampilkan lagi.",
    },
    "console.users.changed": {"en": "Account updated.", "id": "Akun diperbarui."},
    "console.users.self": {
        "en": "You cannot disable your own account.",
        "id": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
    },
}

add_strings(STRINGS)
