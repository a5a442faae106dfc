/* fires.js - the Fires page: firing data from battery and target grids (POST /api/fires/solve) with the
 * trajectory plot, a firing table (POST /api/fires/table, CSV download), and fire missions (call for fire,
 * observer corrections, mission log). Every result carries the label that it is computed by FA-GPT for
 * training and planning, to be checked against the fire-control system and the tabular firing tables. */
import { h, clear, field, table, num, errorBox, statusLine, saveBlob, setFieldError } from './dom.js';
import { get, post, postForFile, can } from './api.js';
import { trajectoryPlot } from './plot.js';

const LABEL = 'Computed by FA-GPT for training and planning; check against the fire-control system and the tabular firing tables.';

/* Form values kept while the user moves between pages. */
const kept = {
    gun: '18SUJ2348306479', gun_alt: '100', target: '18SUJ2348316479', target_alt: '150', weapon: '', projectile: '',
    charge: '', angle: 'low', aof: '0', met: '',
};
let catalog = null;
const missionOt = new Map(); /* mission id -> the OT direction last used, so the next correction starts with it */

function select(name, options, value, labelFn) {
    return h('select', { name }, options.map(o => h('option', { value: o, selected: o === value }, labelFn ? labelFn(o) : o)));
}

function weaponOf(name) { return (catalog.weapons || []).find(w => w.name === name) || (catalog.weapons || [])[0]; }

function chargeSelect(weapon, value) {
    const w = weaponOf(weapon);
    const opts = [''].concat(((w && w.charges) || []).map(c => c.name));
    const sel = select('charge', opts, value, o => {
        if (!o) return 'Automatic (lowest that reaches)';
        const c = w.charges.find(x => x.name === o);
        return o + (c && c.mv_mps ? ' (' + c.mv_mps + ' m/s)' : '');
    });
    return sel;
}

function dataRows(r) {
    const rows = [
        ['Charge', r.charge], ['Muzzle velocity', num(r.mv_mps), 'm/s'], ['Range', num(r.range_m, 0), 'm'],
        ['Azimuth', num(r.azimuth_mils, 1), 'mils'], ['Azimuth to fire', num(r.azimuth_to_fire_mils, 1), 'mils'],
        ['Deflection', r.deflection_mils != null ? num(r.deflection_mils, 1) : null, 'mils'],
        ['Azimuth of fire', r.aof_mils != null ? num(r.aof_mils, 1) : null, 'mils'],
        ['Quadrant elevation', num(r.qe_mils, 1), 'mils'], ['Site', num(r.site_mils, 1), 'mils'],
        ['Angle of site', r.angle_of_site_mils != null ? num(r.angle_of_site_mils, 1) : null, 'mils'],
        ['Vertical interval', num(r.vertical_interval_m, 0), 'm'], ['Time of flight', num(r.tof_s, 1), 's'],
        ['Fuze time', num(r.fuze_time_s, 1), 's'], ['Maximum ordinate', num(r.max_ordinate_m, 0), 'm'],
        ['Angle of fall', num(r.angle_of_fall_mils, 0), 'mils'],
        ['Impact velocity', r.impact_velocity_mps != null ? num(r.impact_velocity_mps, 0) : null, 'm/s'],
        ['Drift', r.drift_mils != null ? num(r.drift_mils, 1) : null, 'mils'],
        ['Angle T', r.angle_t_mils != null ? num(r.angle_t_mils, 0) : null, 'mils'],
        ['Maximum range (this charge)', num(r.max_range_m, 0), 'm'],
        ['Met', r.met === undefined ? null : r.met ? 'METCM applied' : 'ICAO standard atmosphere, no wind'],
        ['Model', r.model], ['Angle', r.angle],
    ];
    return rows.filter(x => x[1] !== null && x[1] !== undefined && x[1] !== '—');
}

function firingDataTable(r) {
    const t = h('table.data.firing-data', h('caption', r.label ? r.label.charAt(0).toUpperCase() + r.label.slice(1) : LABEL),
        h('tbody', dataRows(r).map(([k, v, unit]) => h('tr', h('th', { scope: 'row' }, k), h('td.numeric', String(v)), h('td.unit', unit || '')))));
    return h('div.table-wrap', t);
}

function solveSection() {
    const f = {};
    f.gun = field('Battery (MGRS)', h('input', { type: 'text', name: 'gun', value: kept.gun, autocomplete: 'off', spellcheck: 'false' }), { required: true, hint: 'e.g. 18SUJ2348306479' });
    f.gun_alt = field('Battery altitude (m)', h('input', { type: 'number', name: 'gun_alt', value: kept.gun_alt, step: 'any' }));
    f.target = field('Target (MGRS)', h('input', { type: 'text', name: 'target', value: kept.target, autocomplete: 'off', spellcheck: 'false' }), { required: true });
    f.target_alt = field('Target altitude (m)', h('input', { type: 'number', name: 'target_alt', value: kept.target_alt, step: 'any' }));
    const weapons = (catalog.weapons || []).map(w => w.name);
    if (!kept.weapon) kept.weapon = weapons[0] || '';
    f.weapon = field('Weapon', select('weapon', weapons, kept.weapon));
    const projs = (catalog.projectiles || []).map(p => p.name);
    if (!kept.projectile) kept.projectile = projs[0] || '';
    f.projectile = field('Projectile', select('projectile', projs, kept.projectile));
    f.charge = field('Charge', chargeSelect(kept.weapon, kept.charge));
    f.aof = field('Azimuth of fire (mils)', h('input', { type: 'number', name: 'aof', value: kept.aof, min: 0, max: 6399, step: 'any' }), { hint: 'Gives the deflection (3200 + AOF − azimuth to fire). Leave empty for none.' });
    f.met = field('METCM (optional)', h('textarea', { name: 'met', rows: 4, spellcheck: 'false', class: 'mono', value: kept.met }), { hint: 'Paste a computer met message; empty uses the ICAO standard atmosphere with no wind.' });
    const low = h('input', { type: 'radio', name: 'angle', value: 'low', id: 'angle-low', checked: kept.angle !== 'high' });
    const high = h('input', { type: 'radio', name: 'angle', value: 'high', id: 'angle-high', checked: kept.angle === 'high' });
    const angle = h('fieldset.inline', h('legend', 'Angle'), h('label', { for: 'angle-low' }, low, ' Low'), h('label', { for: 'angle-high' }, high, ' High'));
    f.weapon.input.addEventListener('change', () => {
        const sel = chargeSelect(f.weapon.input.value, '');
        sel.id = f.charge.input.id;
        f.charge.input.replaceWith(sel);
        f.charge.input = sel;
    });
    const st = statusLine();
    const out = h('div.results', { 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'primary' }, 'Compute firing data');
    const form = h('form.grid-form', { novalidate: true },
        f.gun.wrap, f.gun_alt.wrap, f.target.wrap, f.target_alt.wrap, f.weapon.wrap, f.projectile.wrap, f.charge.wrap,
        angle, f.aof.wrap, h('div.span2', f.met.wrap), h('div.buttons.span2', btn, st));
    form.addEventListener('submit', async ev => {
        ev.preventDefault();
        for (const k of ['gun', 'gun_alt', 'target', 'target_alt', 'weapon', 'projectile', 'aof', 'met']) kept[k] = f[k].input.value;
        kept.charge = f.charge.input.value;
        kept.angle = high.checked ? 'high' : 'low';
        let bad = false;
        for (const k of ['gun', 'target']) {
            const v = kept[k].trim();
            const okGrid = /^\d{1,2}[C-HJ-NP-X]\s*[A-HJ-NP-Z]{2}\s*(\d+\s*\d*)?$/i.test(v);
            setFieldError(f[k], v ? (okGrid ? '' : 'Not an MGRS grid: zone, band, square and digits, e.g. 18SUJ2348306479.') : 'Required.');
            bad = bad || !v || !okGrid;
        }
        if (bad) { st.err('Fix the fields marked above.'); return; }
        const body = { gun: kept.gun.trim(), target: kept.target.trim(), weapon: kept.weapon, projectile: kept.projectile, angle: kept.angle };
        if (kept.gun_alt !== '') body.gun_alt = Number(kept.gun_alt);
        if (kept.target_alt !== '') body.target_alt = Number(kept.target_alt);
        if (kept.charge) body.charge = kept.charge;
        if (kept.aof !== '') body.aof = Number(kept.aof);
        if (kept.met.trim()) body.met = kept.met;
        btn.disabled = true;
        st.info('Computing…');
        try {
            const r = await post('/api/fires/solve', body);
            st.ok('Firing data computed.');
            const tgtH = (body.target_alt || 0) - (body.gun_alt || 0);
            clear(out,
                h('h3', 'Firing data: ' + r.weapon + ', ' + (r.projectile && r.projectile.name ? r.projectile.name : kept.projectile) + ', charge ' + r.charge),
                h('div.fd-layout', firingDataTable(r),
                    h('figure.plot-fig', trajectoryPlot(r.trajectory, { targetHeight: tgtH, title: 'Trajectory to ' + r.target_mgrs }),
                        h('figcaption', 'Height above the gun against range, in metres. The dot marks the maximum ordinate; the dashed line is the target\'s level. ' + LABEL))));
        } catch (e) {
            st.err(e);
            clear(out);
        }
        btn.disabled = false;
    });
    return h('section.card', { 'aria-labelledby': 'solve-title' }, h('h2#solve-title', 'Firing data'),
        h('p.label-note', LABEL), form, out);
}

function tableSection() {
    const weapons = (catalog.weapons || []).map(w => w.name);
    const projs = (catalog.projectiles || []).map(p => p.name);
    const f = {};
    f.weapon = field('Weapon', select('weapon', weapons, kept.weapon || weapons[0]));
    f.projectile = field('Projectile', select('projectile', projs, kept.projectile || projs[0]));
    const w0 = weaponOf(f.weapon.input.value);
    f.charge = field('Charge', select('charge', ((w0 && w0.charges) || []).map(c => c.name), ''));
    f.weapon.input.addEventListener('change', () => {
        const w = weaponOf(f.weapon.input.value);
        const sel = select('charge', ((w && w.charges) || []).map(c => c.name), '');
        sel.id = f.charge.input.id;
        f.charge.input.replaceWith(sel);
        f.charge.input = sel;
    });
    f.from = field('From (m)', h('input', { type: 'number', name: 'from', min: 0, step: 100, placeholder: 'shortest' }));
    f.to = field('To (m)', h('input', { type: 'number', name: 'to', min: 0, step: 100, placeholder: 'maximum range' }));
    f.step = field('Step (m)', h('input', { type: 'number', name: 'step', min: 1, step: 1, value: 500 }));
    const st = statusLine();
    const out = h('div.results');
    const body = () => {
        const b = { weapon: f.weapon.input.value, projectile: f.projectile.input.value, charge: f.charge.input.value };
        for (const k of ['from', 'to', 'step']) if (f[k].input.value !== '') b[k] = Number(f[k].input.value);
        return b;
    };
    const show = h('button', { type: 'submit', class: 'primary' }, 'Show table');
    const csv = h('button', { type: 'button' }, 'Download CSV');
    csv.addEventListener('click', async () => {
        const b = body();
        try {
            const file = await postForFile('/api/fires/table?format=csv', b, 'firing-table-' + b.weapon + '-' + b.projectile + '-' + b.charge + '.csv');
            saveBlob(file.blob, file.name);
            st.ok('Saved ' + file.name + '.');
        } catch (e) { st.err(e); }
    });
    const form = h('form.grid-form', { novalidate: true }, f.weapon.wrap, f.projectile.wrap, f.charge.wrap, f.from.wrap, f.to.wrap, f.step.wrap,
        h('div.buttons.span2', show, csv, st));
    form.addEventListener('submit', async ev => {
        ev.preventDefault();
        show.disabled = true;
        st.info('Computing the table…');
        try {
            const t = await post('/api/fires/table', body());
            st.ok((t.rows || []).length + ' rows; maximum range ' + num(t.max_range_m, 0) + ' m at QE ' + num(t.max_range_qe_mils, 1) + ' mils.');
            clear(out,
                h('p.hint', t.weapon + ', ' + (t.projectile && t.projectile.name || '') + ', charge ' + t.charge + ' (' + num(t.mv_mps) + ' m/s). ' + (t.conditions || '')),
                table(t.label ? t.label.charAt(0).toUpperCase() + t.label.slice(1) : LABEL, [
                    { label: 'Range (m)', get: r => num(r.range_m, 0), cls: 'numeric' },
                    { label: 'QE (mils)', get: r => num(r.qe_mils, 1), cls: 'numeric' },
                    { label: 'Fuze (s)', get: r => num(r.fuze_s, 1), cls: 'numeric' },
                    { label: 'TOF (s)', get: r => num(r.tof_s, 1), cls: 'numeric' },
                    { label: 'Drift (mils)', get: r => num(r.drift_mils, 2), cls: 'numeric' },
                    { label: 'Max ord (m)', get: r => num(r.max_ordinate_m, 0), cls: 'numeric' },
                    { label: 'Angle of fall (mils)', get: r => num(r.angle_of_fall_mils, 0), cls: 'numeric' },
                    { label: 'Impact vel. (m/s)', get: r => num(r.impact_velocity_mps, 0), cls: 'numeric' },
                    { label: 'ΔR per 1 m/s MV', get: r => num(r.dr_mv_1mps, 1), cls: 'numeric' },
                    { label: 'ΔR per 1 % density', get: r => num(r.dr_density_1pct, 1), cls: 'numeric' },
                    { label: 'ΔR per 1 % temp.', get: r => num(r.dr_temp_1pct, 1), cls: 'numeric' },
                    { label: 'ΔR head wind 1 kn', get: r => num(r.dr_head_wind_1kn, 1), cls: 'numeric' },
                    { label: 'ΔR tail wind 1 kn', get: r => num(r.dr_tail_wind_1kn, 1), cls: 'numeric' },
                    { label: 'ΔD cross wind 1 kn (mils)', get: r => num(r.dd_cross_wind_1kn_mils, 2), cls: 'numeric' },
                ], t.rows || [], { cls: 'data compact', empty: 'No rows in that span.' }));
        } catch (e) { st.err(e); clear(out); }
        show.disabled = false;
    });
    return h('section.card', { 'aria-labelledby': 'table-title' }, h('h2#table-title', 'Firing table'),
        h('p.label-note', LABEL), form, out);
}

function roundsTable(m) {
    return table('Mission ' + m.id + ': rounds. ' + LABEL, [
        { label: '#', get: r => String(r.n), cls: 'numeric' },
        { label: 'Call', get: r => r.call || '' },
        { label: 'Phase', get: r => r.phase || '' },
        { label: 'Target', get: r => (r.target && r.target.mgrs) || '', cls: 'mono' },
        { label: 'Charge', get: r => (r.firing_data && r.firing_data.charge) || '' },
        { label: 'Deflection', get: r => num(r.firing_data && r.firing_data.deflection_mils, 1), cls: 'numeric' },
        { label: 'QE', get: r => num(r.firing_data && r.firing_data.qe_mils, 1), cls: 'numeric' },
        { label: 'Fuze time', get: r => num(r.firing_data && r.firing_data.fuze_time_s, 1), cls: 'numeric' },
        { label: 'Range (m)', get: r => num(r.firing_data && r.firing_data.range_m, 0), cls: 'numeric' },
    ], m.rounds || [], { empty: 'No rounds yet.' });
}

async function showMission(box, id, listRefresh) {
    let m;
    try { m = await get('/api/missions/' + encodeURIComponent(id)); } catch (e) { clear(box, errorBox(e)); return; }
    const st = statusLine();
    const parts = [h('h3', 'Mission ' + m.id + ' · ' + (m.status || '')),
        m.call_for_fire ? h('p', h('strong', 'Call for fire: '), m.call_for_fire) : null,
        roundsTable(m),
        m.log ? h('details', h('summary', 'Mission log (text)'), h('pre.log', m.log)) : null];
    if (can('operator') && m.status !== 'ended' && m.status !== 'end of mission') {
        const corr = field('Observer correction', h('input', { type: 'text', name: 'correction', placeholder: 'RIGHT 50 ADD 200', autocomplete: 'off' }),
            { hint: 'e.g. LEFT 40 DROP 100, UP 20, REPEAT, FIRE FOR EFFECT, END OF MISSION.' });
        const ot = field('OT direction (mils, optional)', h('input', { type: 'number', name: 'ot', min: 0, max: 6399,
            value: missionOt.has(m.id) ? missionOt.get(m.id) : '' }), { hint: 'Needed for a grid mission unless given at the start.' });
        const btn = h('button', { type: 'submit', class: 'primary' }, 'Send correction');
        const form = h('form.grid-form', { novalidate: true }, corr.wrap, ot.wrap, h('div.buttons.span2', btn, st));
        form.addEventListener('submit', async ev => {
            ev.preventDefault();
            const text = corr.input.value.trim();
            if (!text) { setFieldError(corr, 'Type the observer\'s correction.'); corr.input.focus(); return; }
            setFieldError(corr, '');
            const b = { correction: text };
            if (ot.input.value !== '') { b.ot = Number(ot.input.value); missionOt.set(m.id, ot.input.value); }
            btn.disabled = true;
            try {
                const r = await post('/api/missions/' + encodeURIComponent(m.id) + '/corrections', b);
                await showMission(box, m.id, listRefresh);
                listRefresh();
                const fresh = box.querySelector('.status');
                if (fresh && r && r.text) fresh.textContent = 'Applied. ' + r.text.split('\n')[0];
            } catch (e) { st.err(e); btn.disabled = false; }
        });
        parts.push(form);
    }
    clear(box, parts);
}

function missionsSection() {
    const listBox = h('div');
    const detail = h('div.mission-detail', { 'aria-live': 'polite' });
    const refresh = async () => {
        try {
            const ms = (await get('/api/missions')).missions || [];
            clear(listBox, table('Stored missions', [
                { label: 'Target number', get: m => h('button', { type: 'button', class: 'link', on: { click: () => showMission(detail, m.id, refresh) } }, m.id) },
                { label: 'Status', get: m => m.status || '' },
                { label: 'Rounds', get: m => num(m.rounds), cls: 'numeric' },
                { label: 'Target', get: m => m.target || '', cls: 'mono' },
                { label: 'Description', get: m => m.description || '' },
            ], ms, { empty: 'No missions yet.' }));
        } catch (e) { clear(listBox, errorBox(e)); }
    };
    const parts = [h('h2#missions-title', 'Fire missions'), h('p.label-note', LABEL)];
    if (can('operator')) {
        const weapons = (catalog.weapons || []).map(w => w.name);
        const projs = (catalog.projectiles || []).map(p => p.name);
        const f = {};
        f.battery = field('Battery (MGRS)', h('input', { type: 'text', name: 'battery', value: kept.gun, spellcheck: 'false' }), { required: true });
        f.battery_alt = field('Battery altitude (m)', h('input', { type: 'number', name: 'battery_alt', value: kept.gun_alt }));
        f.weapon = field('Weapon', select('weapon', weapons, kept.weapon || weapons[0]));
        f.projectile = field('Projectile', select('projectile', projs, kept.projectile || projs[0]));
        f.aof = field('Azimuth of fire (mils)', h('input', { type: 'number', name: 'aof', value: kept.aof || '', min: 0, max: 6399 }));
        f.target_alt = field('Target altitude (m, optional)', h('input', { type: 'number', name: 'target_alt' }));
        f.ot = field('OT direction (mils, optional)', h('input', { type: 'number', name: 'ot', min: 0, max: 6399 }),
            { hint: 'Observer-target direction for corrections.' });
        f.cff = field('Call for fire', h('textarea', { name: 'call_for_fire', rows: 3, spellcheck: 'false',
            value: 'H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2348 1647 OVER / INFANTRY PLATOON IN THE OPEN OVER' }),
        { required: true, hint: 'The observer\'s three transmissions, each ending with OVER.' });
        const st = statusLine();
        const btn = h('button', { type: 'submit', class: 'primary' }, 'Start mission');
        const form = h('form.grid-form', { novalidate: true }, f.battery.wrap, f.battery_alt.wrap, f.weapon.wrap, f.projectile.wrap,
            f.aof.wrap, f.target_alt.wrap, f.ot.wrap, h('div.span2', f.cff.wrap), h('div.buttons.span2', btn, st));
        form.addEventListener('submit', async ev => {
            ev.preventDefault();
            const b = { battery: f.battery.input.value.trim(), weapon: f.weapon.input.value, projectile: f.projectile.input.value,
                call_for_fire: f.cff.input.value.trim() };
            setFieldError(f.battery, b.battery ? '' : 'Required.');
            setFieldError(f.cff, b.call_for_fire ? '' : 'Type the call for fire.');
            if (!b.battery || !b.call_for_fire) { st.err('Fix the fields marked above.'); return; }
            if (f.battery_alt.input.value !== '') b.battery_alt = Number(f.battery_alt.input.value);
            if (f.aof.input.value !== '') b.aof = Number(f.aof.input.value);
            if (f.target_alt.input.value !== '') b.target_alt = Number(f.target_alt.input.value);
            if (f.ot.input.value !== '') b.ot = Number(f.ot.input.value);
            btn.disabled = true;
            try {
                const r = await post('/api/missions', b);
                if (b.ot !== undefined) missionOt.set(r.id, String(b.ot));
                st.ok('Mission ' + r.id + ' started.');
                await refresh();
                await showMission(detail, r.id, refresh);
            } catch (e) { st.err(e); }
            btn.disabled = false;
        });
        parts.push(h('details.new-mission', { open: true }, h('summary', 'New mission from a call for fire'), form));
    }
    parts.push(listBox, detail);
    refresh();
    return h('section.card', { 'aria-labelledby': 'missions-title' }, parts);
}

export async function renderFires(main) {
    catalog = await get('/api/fires/catalog');
    clear(main, h('h1', 'Fires'),
        h('div.banner.info', { role: 'note' }, LABEL),
        solveSection(), tableSection(), missionsSection());
}
