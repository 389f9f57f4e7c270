"""tuner.oracle.CoarseToFineOracle, driven directly: rounds, zoom, IDLE, state round trip."""

import json
import math

import keras_tuner
import numpy as np
import pytest
from keras_tuner.engine.trial import TrialStatus

from tuner.oracle import CURVE, PRUNE_MIN_PEERS, CoarseToFineOracle, param_from_keras
from tuner.space import Param

LR = Param("learning_rate", "log", 1e-5, 1.0)
BETA = Param("beta", "one_minus_log", 0.9, 0.9999)
BN = Param("batch_norm", "choice", choices=(False, True))
SPACE = (LR, BETA, BN)


def loss(values: dict) -> float:
    """Best at learning_rate 1e-3, beta 0.999, batch_norm on."""
    return ((math.log10(values["learning_rate"]) + 3) ** 2 + (math.log10(1 - values["beta"]) + 3) ** 2
            + (0.0 if values["batch_norm"] else 1.0))


def make_oracle(tmp_path, name="sweep", **settings):
    settings = {"rounds": 3, "trials_per_round": 6, "top_k": 3, "margin": 0.1, "seed": 7, **settings}
    oracle = CoarseToFineOracle(objective=keras_tuner.Objective("loss", "min"), space=SPACE, **settings)
    oracle.verbose = 0
    oracle._set_project_dir(str(tmp_path), name)
    return oracle


def run_trial(oracle, tuner_id="tuner0", fail=False, objective=loss):
    trial = oracle.create_trial(tuner_id)
    if trial.status != TrialStatus.RUNNING:
        return trial
    oracle.update_trial(trial.trial_id, {"loss": objective(trial.hyperparameters.values)})
    trial.status = TrialStatus.FAILED if fail else TrialStatus.COMPLETED
    oracle.end_trial(trial)
    return trial


def run_all(oracle):
    while run_trial(oracle).status != TrialStatus.STOPPED:
        pass


def inside(param: Param, value, box) -> bool:
    if param.is_choice:
        return value in box
    cell = param.cell(value)
    return cell[1] >= box[0] - 1e-12 and cell[0] <= box[1] + 1e-12


def test_oracle_runs_rounds_of_trials_each_inside_its_box(tmp_path):
    oracle = make_oracle(tmp_path)
    run_all(oracle)
    assert len(oracle.trials) == 18 and oracle.current_round == 2
    for trial_id, trial in oracle.trials.items():
        box = oracle.box(oracle.round_of(trial_id))
        assert all(inside(p, trial.hyperparameters.values[p.name], box[p.name]) for p in SPACE), trial_id
    assert sorted(oracle.round_of(t) for t in oracle.trials) == [0] * 6 + [1] * 6 + [2] * 6


def test_oracle_zooms_around_the_top_k_of_the_rounds_so_far(tmp_path):
    oracle = make_oracle(tmp_path)
    run_all(oracle)
    for ended_round in (0, 1):
        so_far = [t for t in oracle.trials.values() if oracle.round_of(t.trial_id) <= ended_round]
        top = sorted(so_far, key=lambda t: t.score)[:3]
        box, previous = oracle.box(ended_round + 1), oracle.box(ended_round)
        for param in (LR, BETA):
            cells = [param.cell(t.hyperparameters.values[param.name]) for t in top]
            margin = 0.1 * (previous[param.name][1] - previous[param.name][0])
            expected = (max(min(c[0] for c in cells) - margin, param.full_box[0]),
                        min(max(c[1] for c in cells) + margin, param.full_box[1]))
            assert box[param.name] == pytest.approx(expected)
        assert set(box["batch_norm"]) == {t.hyperparameters.values["batch_norm"] for t in top}


def test_oracle_finds_a_narrow_optimum_better_than_its_first_round(tmp_path):
    oracle = make_oracle(tmp_path, rounds=4, trials_per_round=10)
    run_all(oracle)
    best_of_round = [min(t.score for t in oracle.trials.values() if oracle.round_of(t.trial_id) == r)
                     for r in range(4)]
    assert best_of_round[-1] < best_of_round[0]
    assert oracle.get_best_trials(1)[0].score < 0.1


def test_oracle_is_idle_while_a_round_still_runs_elsewhere(tmp_path):
    oracle = make_oracle(tmp_path, rounds=2, trials_per_round=2)
    first = oracle.create_trial("worker0")
    second = oracle.create_trial("worker1")
    assert oracle.create_trial("worker2").status == TrialStatus.IDLE
    for trial in (first, second):
        oracle.update_trial(trial.trial_id, {"loss": loss(trial.hyperparameters.values)})
        trial.status = TrialStatus.COMPLETED
        oracle.end_trial(trial)
    third = oracle.create_trial("worker2")
    assert third.status == TrialStatus.RUNNING and oracle.round_of(third.trial_id) == 1


def test_oracle_never_zooms_on_failed_trials(tmp_path):
    oracle = make_oracle(tmp_path, rounds=2, trials_per_round=4, top_k=1, margin=0.0,
                         max_consecutive_failed_trials=10)
    trials = [run_trial(oracle, fail=i != 3) for i in range(4)]
    best = trials[3].hyperparameters.values["learning_rate"]
    run_trial(oracle)
    assert oracle.box(1)["learning_rate"] == pytest.approx((math.log10(best),) * 2)


def test_oracle_state_round_trip_continues_the_same_draws(tmp_path):
    oracle = make_oracle(tmp_path)
    for _ in range(8):  # into the second round
        run_trial(oracle)
    state = json.loads(json.dumps(oracle.get_state()))
    twin = make_oracle(tmp_path, name="other", rounds=9, seed=99)
    twin.trials = dict(oracle.trials)
    twin.set_state(state)
    assert (twin.rounds, twin.current_round, twin.box()) == (oracle.rounds, oracle.current_round, oracle.box())
    for _ in range(10):
        a, b = run_trial(oracle), run_trial(twin)
        assert a.hyperparameters.values == b.hyperparameters.values
        assert oracle.round_of(a.trial_id) == twin.round_of(b.trial_id)


def test_oracle_reload_from_its_files_resumes(tmp_path):
    oracle = make_oracle(tmp_path)
    for _ in range(7):
        run_trial(oracle)
    oracle.create_trial("tuner0")  # running when "killed"
    reloaded = make_oracle(tmp_path)
    reloaded.reload()
    run_all(reloaded)
    run_all(oracle)
    assert len(reloaded.trials) == 18
    for trial_id, trial in oracle.trials.items():
        assert reloaded.trials[trial_id].hyperparameters.values == trial.hyperparameters.values


def test_oracle_stops_when_the_box_holds_nothing_new(tmp_path):
    oracle = CoarseToFineOracle(objective="loss", space=[BN], rounds=1, trials_per_round=5, seed=1)
    oracle.verbose = 0
    oracle._set_project_dir(str(tmp_path), "p")
    statuses = [run_trial(oracle, objective=lambda values: 0.0).status for _ in range(3)]
    assert statuses == [TrialStatus.COMPLETED, TrialStatus.COMPLETED, TrialStatus.STOPPED]


@pytest.mark.parametrize("settings, message", [
    ({"rounds": 0}, "rounds must be an integer >= 1. Received: rounds=0"),
    ({"top_k": 0}, "top_k must be an integer >= 1. Received: top_k=0"),
    ({"margin": -1.0}, "margin must be >= 0. Received: margin=-1.0"),
])
def test_oracle_rejects_bad_settings(settings, message):
    with pytest.raises(ValueError) as error:
        CoarseToFineOracle(objective="loss", space=SPACE, **settings)
    assert str(error.value) == message


def test_oracle_declares_the_space_for_build(tmp_path):
    oracle = make_oracle(tmp_path)
    space = oracle.get_space()
    assert {hp.name for hp in space.space} == {"learning_rate", "beta", "batch_norm"}
    trial = oracle.create_trial("tuner0")
    assert 1e-5 <= trial.hyperparameters.get("learning_rate") <= 1


def test_param_from_keras_places_build_declared_hps_on_their_scale():
    hp = keras_tuner.HyperParameters()
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Float("momentum", 0.9, 0.999, sampling="reverse_log")
    hp.Int("units", 8, 64, sampling="log")
    hp.Int("layers", 1, 3)
    hp.Boolean("bn")
    hp.Choice("act", ["relu", "tanh"])
    hp.Float("stepped", 0.0, 1.0, step=0.1)
    hp.Fixed("fixed", 3)
    scales = {name: (p.scale if p else None) for name, p in
              ((hp_.name, param_from_keras(hp_)) for hp_ in hp.space)}
    assert scales == {"lr": "log", "momentum": "one_minus_log", "units": "int_log", "layers": "int",
                      "bn": "choice", "act": "choice", "stepped": None, "fixed": None}


def test_oracle_tunes_hps_that_build_declares_itself(tmp_path):
    hp = keras_tuner.HyperParameters()
    hp.Float("momentum", 0.9, 0.999, sampling="reverse_log")
    hp.Fixed("fixed", 3)
    oracle = CoarseToFineOracle(objective="loss", hyperparameters=hp, rounds=1, trials_per_round=4000, seed=0)
    oracle.verbose = 0
    oracle._set_project_dir(str(tmp_path), "p")
    beta = np.array([oracle.populate_space(str(i))["values"]["momentum"] for i in range(4000)])
    assert abs(np.mean(beta < 0.99) - 0.5) < 0.04  # the β scale, not keras-tuner's reverse_log


def test_keras_tuner_reverse_log_is_not_the_beta_scale():
    """Why `one_minus_log` exists: keras-tuner's reverse_log keeps β nearly uniform on [0.9, 0.999]."""
    beta_hp = keras_tuner.engine.hyperparameters.Float("beta", 0.9, 0.999, sampling="reverse_log")
    beta = np.array([beta_hp.random_sample(seed) for seed in range(4000)])
    assert np.mean(beta < 0.99) > 0.85


def _trained(oracle, curve, stop_at=None):
    """One trial whose objective (loss) follows `curve`, epoch after epoch, sent as pruning's
    `CURVE` until the oracle answers STOPPED; returns (trial, the epoch it was stopped after)."""
    trial = oracle.create_trial("tuner0")
    stopped = None
    for epoch, value in enumerate(curve):
        if oracle.update_trial(trial.trial_id, {CURVE: value}, step=epoch).status == TrialStatus.STOPPED:
            stopped = epoch
            break
    seen = curve[: (len(curve) if stopped is None else stopped + 1)]
    oracle.update_trial(trial.trial_id, {"loss": min(seen)})
    trial.status = TrialStatus.COMPLETED
    oracle.end_trial(trial)
    return trial, stopped


def test_pruning_stops_a_trial_behind_its_rounds_median_at_the_same_epoch(tmp_path):
    oracle = make_oracle(tmp_path, rounds=1, trials_per_round=8, prune=True)
    good = [1.0, 0.8, 0.6, 0.5]
    for _ in range(PRUNE_MIN_PEERS - 1):
        assert _trained(oracle, [2.0, 1.9, 1.8, 1.7])[1] is None  # too few full-length peers yet
    assert _trained(oracle, good)[1] is None
    for _ in range(PRUNE_MIN_PEERS - 1):
        _trained(oracle, good)
    # the full-length peers' best so far at epoch 1: 1.9, 1.9, 0.8, 0.8, 0.8 -> median 0.8
    trial, stopped = _trained(oracle, [0.9, 0.85, 0.4, 0.3])  # behind at epoch 1, though it would have won
    assert stopped == 1 and oracle.pruned_at(trial.trial_id) == 1
    assert oracle.trials[trial.trial_id].score == 0.85  # the best it reached
    assert _trained(oracle, [3.0, 0.7, 0.6, 0.5])[1] is None  # ahead at every epoch from the second on
    assert _trained(oracle, [5.0, 5.0, 5.0, 5.0])[1] == 1  # behind from the start: stopped after the second epoch
    again = make_oracle(tmp_path, name="again", rounds=1, trials_per_round=8, prune=True)
    again.set_state(json.loads(json.dumps(oracle.get_state())))
    assert again.pruned_at(trial.trial_id) == 1 and again._curves == oracle._curves


def test_without_pruning_the_curve_is_recorded_and_no_trial_stops(tmp_path):
    oracle = make_oracle(tmp_path, rounds=1, trials_per_round=8)
    for _ in range(4):
        _trained(oracle, [1.0, 0.8, 0.6, 0.5])
    assert _trained(oracle, [9.0, 9.0, 9.0, 9.0])[1] is None


def _values(oracle, stop_after=None, objective=loss):
    """Run an oracle's trials on `objective`; the values of each, in order (or of the first `stop_after`)."""
    drawn = []
    while stop_after is None or len(drawn) < stop_after:
        trial = run_trial(oracle, objective=objective)
        if trial.status == TrialStatus.STOPPED:
            break
        drawn.append(trial.hyperparameters.values)
    return drawn


def test_surrogate_proposal_starts_as_uniform_and_keeps_every_draw_inside_its_round(tmp_path):
    uniform = _values(make_oracle(tmp_path, name="u", seed=3))
    oracle = make_oracle(tmp_path, name="s", seed=3, proposal="surrogate")
    surrogate = _values(oracle)
    first = 2 + 2 + 2  # one coordinate each for the rates, two for batch_norm's choices; + 2
    assert surrogate[:first] == uniform[:first]  # too few trials for a surrogate yet
    assert surrogate[first] != uniform[first] and len(surrogate) == 18
    for trial_id, trial in oracle.trials.items():
        box = oracle.box(oracle.round_of(trial_id))
        assert all(inside(p, trial.hyperparameters.values[p.name], box[p.name]) for p in SPACE)


def test_surrogate_proposal_resumed_from_its_state_draws_what_it_would_have(tmp_path):
    whole = _values(make_oracle(tmp_path, name="whole", proposal="surrogate"))
    before = _values(make_oracle(tmp_path, name="part", proposal="surrogate"), stop_after=8)
    again = make_oracle(tmp_path, name="part", proposal="surrogate")
    again.reload()  # from the files the first one wrote
    assert before + _values(again) == whole


def test_surrogate_proposal_comes_closer_to_the_optimum_than_uniform_draws(tmp_path):
    regret = {}
    for proposal in ("uniform", "surrogate"):
        bests = []
        for seed in range(1, 12):
            oracle = make_oracle(tmp_path, name=f"{proposal}{seed}", seed=seed, proposal=proposal,
                                 rounds=5, trials_per_round=10, top_k=3, margin=0.3)
            run_all(oracle)
            bests.append(min(t.score for t in oracle.trials.values()))  # `loss`'s optimum is 0
        regret[proposal] = float(np.median(bests))
    assert regret["surrogate"] < 0.2 * regret["uniform"], regret


def test_surrogate_proposal_draws_every_combination_of_a_choice_only_space_once(tmp_path):
    """27 combinations, 27 trials: the candidates it ranks but does not pick use none of them up."""
    space = tuple(Param(name, "choice", choices=(1, 2, 3)) for name in ("a", "b", "c"))
    oracle = CoarseToFineOracle(objective=keras_tuner.Objective("loss", "min"), space=space, rounds=1,
                                trials_per_round=27, proposal="surrogate", seed=5)
    oracle.verbose = 0
    oracle._set_project_dir(str(tmp_path), "choices")
    drawn = _values(oracle, objective=lambda v: float(v["a"] + 2 * v["b"] - v["c"]))
    assert len(drawn) == 27 and len({(v["a"], v["b"], v["c"]) for v in drawn}) == 27
